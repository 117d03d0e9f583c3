import { goto } from "$app/navigation";
import { api } from "./api.ts";
import { live } from "./live.svelte.ts";
import { session } from "./session.svelte.ts";

let signingOut = false;

/** True while signing out: late 401s from requests still in flight are expected then. */
export function isSigningOut(): boolean {
  return signingOut;
}

/** End the session on the server (best effort), forget it here, go to sign-in. */
export async function signOut(): Promise<void> {
  signingOut = true;
  try {
    live.disconnect();
    try {
      await api.signOut();
    } catch {
      // already signed out or offline: the local state is cleared either way
    }
    session.clear();
    await goto("/sign-in", { replace: true });
  } finally {
    signingOut = false;
  }
}
