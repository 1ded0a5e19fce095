/**
 * Config keys of the estate review (`landing-zone:review`). Composed into the stack schema in
 * ../config.ts, which spreads `reviewConfigShape` while it loads: this module imports zod only.
 */
import { z } from "zod";

/** Name of the role CI assumes with OIDC to run the review (created by hand, see docs/estate-review.md). */
export const DEFAULT_CI_REVIEW_ROLE_NAME = "landing-zone-review";

const reviewSchema = z.strictObject({
    /**
     * Name (without path) of the IAM role in the management account (single-account: the one
     * account) that may assume `lz-review` in every account: the role the review workflow gets
     * through GitHub OIDC.
     */
    ciRoleName: z
        .string()
        .regex(/^[\w+=,.@-]{1,64}$/, { message: "must be an IAM role name: 1-64 characters of letters, digits and + = , . @ _ -" })
        .default(DEFAULT_CI_REVIEW_ROLE_NAME)
        .describe("Name (without path) of the IAM role in the management account that may assume lz-review in every account: the role the review workflow gets through GitHub OIDC."),
});

export type ReviewConfig = z.output<typeof reviewSchema>;

export const reviewConfigShape = {
    /** The read-only review role and who may assume it. Absent: the defaults. */
    review: reviewSchema.default({ ciRoleName: DEFAULT_CI_REVIEW_ROLE_NAME }).describe("The read-only estate review role (lz-review) and who may assume it."),
};
