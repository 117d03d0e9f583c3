-- LINEAR prices take Sequence's `pricePerUnit` (API.md "Price structures"), not `price`: rename the
-- key in every stored LINEAR structure and keep every other key as it is. Idempotent: a structure
-- that already has pricePerUnit, or has no price, is left alone. Events keep the shape they were
-- written with (the log is history).
UPDATE prices
SET structure = json_remove(json_set(structure, '$.pricePerUnit', json_extract(structure, '$.price')), '$.price')
WHERE pricing_type = 'LINEAR'
  AND json_extract(structure, '$.pricingType') = 'LINEAR'
  AND json_type(structure, '$.price') IS NOT NULL
  AND json_type(structure, '$.pricePerUnit') IS NULL;
