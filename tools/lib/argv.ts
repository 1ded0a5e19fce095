// Command-line arguments, as the project's commands (plan, review) read them.

/** A mistake on the command line: the command prints it with its usage and exits with 2. */
export class UsageError extends Error {}

/** One argument: a switch, or a flag whose value follows it (`--flag value`) or is joined to it (`--flag=value`). */
export interface Arg {
    /** As given. */
    raw: string;
    /** The flag without a joined value. */
    flag: string;
    /** The flag's value: the joined one, else the next argument (which is then consumed). */
    value(): string;
}

/** The arguments one by one. */
export function* eachArg(argv: string[]): Generator<Arg> {
    for (let i = 0; i < argv.length; i++) {
        const raw = argv[i]!;
        const eq = raw.indexOf("=");
        const joined = raw.startsWith("--") && eq > 0;
        const flag = joined ? raw.slice(0, eq) : raw;
        yield {
            raw,
            flag,
            value: () => {
                if (joined) return raw.slice(eq + 1);
                const v = argv[++i];
                if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
                return v;
            },
        };
    }
}
