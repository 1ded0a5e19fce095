// Reading tags from resource properties. `tags` is what the program set; `tagsAll` (outputs)
// also holds provider default tags, so both are read.
import { isUnknown, UNKNOWN } from "./unknown";

export type TagValue = string | typeof UNKNOWN | undefined;

export function readTag(props: Record<string, unknown>, key: string): TagValue {
    for (const field of ["tags", "tagsAll"]) {
        const t = props[field];
        if (isUnknown(t)) return UNKNOWN;
        if (t && typeof t === "object" && !Array.isArray(t)) {
            const v = (t as Record<string, unknown>)[key];
            if (isUnknown(v)) return UNKNOWN;
            if (typeof v === "string") return v;
        }
    }
    return undefined;
}
