// zod (the wire protocol's schemas, shared with the Worker) probes `new Function` once to decide
// whether to compile its parsers; under the app's CSP (no eval) that caught probe is still reported as
// a violation. Parse without compiling: the messages are small.
import { config } from "zod";

config({ jitless: true });
