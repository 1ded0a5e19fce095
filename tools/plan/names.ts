// Names as the Pulumi CLI displays them.

/** "aws:organizations/account:Account" -> "aws:organizations:Account", as the CLI displays types. */
export function displayTypeName(type: string): string {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
    return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}
