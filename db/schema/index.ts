export * from "./enums";
export * from "./practices";
export * from "./staff";
export * from "./imports";
export * from "./patients";
export * from "./requests";
export * from "./messaging";
export * from "./audit";
