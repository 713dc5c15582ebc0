export { freePort } from "../../db/free-port.server";
