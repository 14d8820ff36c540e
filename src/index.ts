import { program } from "./program";

// Stack outputs: service URLs, IPs and VMIDs.
export = program();
