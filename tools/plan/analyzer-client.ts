// The plan talks to policy packs through the analyzer gRPC client in tools/lib/analyzer.ts.
export { PolicyConfigError, PolicyPackClient, PolicyPackExitError, PolicyTimeoutError, UNKNOWN, secret } from "../lib/analyzer";
export type { AnalyzerInfo, AnalyzerResource, EncodedResource, EnforcementLevel, Violation } from "../lib/analyzer";
