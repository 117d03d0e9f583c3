// What the price editor has typed for every pricing model (worker/domain/pricing.ts), and the
// structure it makes for the chosen one. One draft for all models: switching models keeps what was
// typed in the others. Every amount stays the string the user typed: nothing here does arithmetic.
import type { Price } from "$worker/api/types.ts";
import type { PricingType } from "$worker/domain/pricing.ts";
import { newTier, type TierDraft } from "../TierTable.svelte";

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const v = (s: string) => s.trim();
const TIER = /^tiers\.(\d+)\.(upperBound|price|fee|isPricePercentage)$/;

function draftTiers(raw: unknown): TierDraft[] {
  return Array.isArray(raw) && raw.length
    ? (raw as Record<string, unknown>[]).map((t) =>
        newTier({ upperBound: str(t.upperBound), price: str(t.price), fee: str(t.fee), percent: t.isPricePercentage === true }),
      )
    : [newTier(), newTier()];
}

function tierOut(t: TierDraft, last: boolean, allowPercent: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (!last) o.upperBound = v(t.upperBound);
  o.price = v(t.price);
  if (v(t.fee)) o.fee = v(t.fee);
  if (allowPercent && t.percent) o.isPricePercentage = true;
  return o;
}

const tiersMissing = (list: TierDraft[]) => list.some((t, i) => !v(t.price) || (i < list.length - 1 && !v(t.upperBound)));

export class PriceDraft {
  /** FIXED and ONE_TIME `price`, LINEAR `pricePerUnit`: one box, so switching between them keeps it. */
  price = $state("");
  linearPercent = $state(false);
  minPrice = $state("");
  maxPrice = $state("");
  tiers = $state<TierDraft[]>([]);
  packageSize = $state("");
  pricePerPackage = $state("");
  seatMode = $state<"perSeat" | "tiers">("perSeat");
  pricePerSeat = $state("");
  seatTiers = $state<TierDraft[]>([]);
  minSeats = $state("");

  /** A copy of `start` (Replace), or empty. */
  constructor(start: Price | null) {
    const s = start?.structure ?? {};
    const type = start?.pricingType;
    this.price = str(type === "LINEAR" ? s.pricePerUnit : s.price);
    this.linearPercent = s.isPricePercentage === true;
    this.minPrice = str(s.minPrice);
    this.maxPrice = str(s.maxPrice);
    this.tiers = draftTiers(type === "VOLUME" || type === "GRADUATED" ? s.tiers : null);
    this.packageSize = str(s.packageSize);
    this.pricePerPackage = str(s.pricePerPackage);
    this.seatMode = type === "SEAT_BASED" && Array.isArray(s.tiers) ? "tiers" : "perSeat";
    this.pricePerSeat = str(s.pricePerSeat);
    this.seatTiers = draftTiers(type === "SEAT_BASED" ? s.tiers : null);
    this.minSeats = str(s.contractedMinimumSeats);
  }

  /** The structure (priceStructureSchema) as typed; may be invalid: the server says where. */
  structure(type: PricingType): Record<string, unknown> {
    switch (type) {
      case "FIXED":
      case "ONE_TIME":
        return { pricingType: type, price: v(this.price) };
      case "LINEAR": {
        const s: Record<string, unknown> = { pricingType: type, pricePerUnit: v(this.price) };
        if (this.linearPercent) {
          s.isPricePercentage = true;
          if (v(this.minPrice)) s.minPrice = v(this.minPrice);
          if (v(this.maxPrice)) s.maxPrice = v(this.maxPrice);
        }
        return s;
      }
      case "VOLUME":
      case "GRADUATED":
        return { pricingType: type, tiers: this.tiers.map((t, i) => tierOut(t, i === this.tiers.length - 1, true)) };
      case "PACKAGE":
        return { pricingType: type, packageSize: v(this.packageSize), pricePerPackage: v(this.pricePerPackage) };
      case "SEAT_BASED": {
        const s: Record<string, unknown> = { pricingType: type };
        if (this.seatMode === "perSeat") s.pricePerSeat = v(this.pricePerSeat);
        else s.tiers = this.seatTiers.map((t, i) => tierOut(t, i === this.seatTiers.length - 1, false));
        const m = v(this.minSeats);
        // A count, not money: sent as the JSON number the API takes; anything else as typed, so the
        // server names the problem at the field.
        if (m) s.contractedMinimumSeats = /^\d{1,15}$/.test(m) ? Number(m) : m;
        return s;
      }
    }
  }

  /** A required field is still empty: no preview yet (and no "Required" noise while typing). */
  missing(type: PricingType): boolean {
    switch (type) {
      case "FIXED":
      case "ONE_TIME":
      case "LINEAR":
        return !v(this.price);
      case "VOLUME":
      case "GRADUATED":
        return tiersMissing(this.tiers);
      case "PACKAGE":
        return !v(this.packageSize) || !v(this.pricePerPackage);
      case "SEAT_BASED":
        return this.seatMode === "perSeat" ? !v(this.pricePerSeat) : tiersMissing(this.seatTiers);
    }
  }

  /** Whether the model's form shows the field a structure error path names ("tiers.1.price"). */
  shows(type: PricingType, key: string): boolean {
    const tier = key.match(TIER);
    switch (type) {
      case "FIXED":
      case "ONE_TIME":
        return key === "price";
      case "LINEAR":
        return key === "pricePerUnit" || (this.linearPercent && (key === "minPrice" || key === "maxPrice"));
      case "VOLUME":
      case "GRADUATED":
        return key === "tiers" || (!!tier && Number(tier[1]) < this.tiers.length);
      case "PACKAGE":
        return key === "packageSize" || key === "pricePerPackage";
      case "SEAT_BASED":
        if (key === "contractedMinimumSeats") return true;
        if (this.seatMode === "perSeat") return key === "pricePerSeat";
        return key === "tiers" || (!!tier && tier[2] !== "isPricePercentage" && Number(tier[1]) < this.seatTiers.length);
    }
  }

  /** What is typed in the field a structure path names (for "Required" against "Enter a number"). */
  value(type: PricingType, key: string): string | undefined {
    const tier = key.match(TIER);
    if (tier && tier[2] !== "isPricePercentage") {
      const list = type === "SEAT_BASED" ? this.seatTiers : this.tiers;
      return list[Number(tier[1])]?.[tier[2] as "upperBound" | "price" | "fee"];
    }
    const fields: Record<string, string> = {
      price: this.price,
      pricePerUnit: this.price,
      minPrice: this.minPrice,
      maxPrice: this.maxPrice,
      packageSize: this.packageSize,
      pricePerPackage: this.pricePerPackage,
      pricePerSeat: this.pricePerSeat,
      contractedMinimumSeats: this.minSeats,
    };
    return fields[key];
  }
}

/** Errors at the fields, keyed by structure path ("pricePerUnit", "tiers.1.upperBound", "tiers"). */
export type FieldErrors = Partial<Record<string, string>>;

/** What every model's fields component takes. */
export interface ModelFieldsProps {
  draft: PriceDraft;
  currency: string;
  errors: FieldErrors;
  /** An element id for a field key. */
  id: (key: string) => string;
}
