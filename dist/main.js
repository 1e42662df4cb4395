import {
  runMain
} from "./chunks/chunk-CLAJIZWD.js";
import "./chunks/chunk-O5QEBDPB.js";
import "./chunks/chunk-Z7IFXG4U.js";

// src/main.ts
await runMain();
