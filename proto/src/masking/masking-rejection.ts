/**
 * What a member's agent refuses in the masking protocol (reported with ReportRefusal and audited):
 * each is a coordinator asking for something that would unmask a member or hide a discrepancy.
 */
export type MaskingRejection =
  'MASK_BOTH_SHARES_REQUESTED' | 'MASK_SHARE_UNKNOWN_PEER' | 'SURVIVOR_SET_MISMATCH' | 'TOO_FEW_SURVIVORS';

export type MaskingVerdict<T = object> = ({ ok: true } & T) | { ok: false; code: MaskingRejection; message: string };

export const refuse = (
  code: MaskingRejection,
  message: string,
): { ok: false; code: MaskingRejection; message: string } => ({
  ok: false,
  code,
  message,
});
