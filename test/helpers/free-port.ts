export { freePort } from "../../db/embedded.server";
