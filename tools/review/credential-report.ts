/**
 * The IAM credential report: the CSV GetCredentialReport returns, one row per user and one for
 * the root user (`<root_account>`). Values are `true`/`false`, ISO dates, `N/A`,
 * `not_supported` or `no_information`.
 */

export const CREDENTIAL_REPORT_COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
] as const;

export type CredentialReportRow = Record<(typeof CREDENTIAL_REPORT_COLUMNS)[number], string>;

export const ROOT_USER = "<root_account>";

/** Parses the report; columns are read by header name, so an added column does not shift them. */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
    const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
    if (lines.length === 0) return [];
    const header = splitCsvLine(lines[0]);
    const missing = CREDENTIAL_REPORT_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length) throw new Error(`credential report lacks the columns ${missing.join(", ")}`);
    return lines.slice(1).map((line) => {
        const cells = splitCsvLine(line);
        return Object.fromEntries(CREDENTIAL_REPORT_COLUMNS.map((c) => [c, cells[header.indexOf(c)] ?? ""])) as CredentialReportRow;
    });
}

export function formatCredentialReport(rows: CredentialReportRow[]): string {
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return [CREDENTIAL_REPORT_COLUMNS.join(","), ...rows.map((r) => CREDENTIAL_REPORT_COLUMNS.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

function splitCsvLine(line: string): string[] {
    const out: string[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quoted) {
            if (ch === '"' && line[i + 1] === '"') {
                cur += '"';
                i++;
            } else if (ch === '"') quoted = false;
            else cur += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ",") {
            out.push(cur);
            cur = "";
        } else cur += ch;
    }
    out.push(cur);
    return out;
}

/** A date cell, or undefined for `N/A`, `no_information`, `not_supported` and empty cells. */
export function reportDate(v: string | undefined): Date | undefined {
    if (!v || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
}
