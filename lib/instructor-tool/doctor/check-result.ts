/** One line of doctor's report: a check of the account, its verdict and, when not a pass, the fix. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}
