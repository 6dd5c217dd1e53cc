/**
 * Samsung sends model codes ("SM-S911B"); people know the marketing name. Only codes we are sure of
 * are mapped — anything else is shown as the code, never guessed.
 */
const SAMSUNG_MODELS: Record<string, string> = {
  G991: 'Galaxy S21',
  G996: 'Galaxy S21+',
  G998: 'Galaxy S21 Ultra',
  S901: 'Galaxy S22',
  S906: 'Galaxy S22+',
  S908: 'Galaxy S22 Ultra',
  S911: 'Galaxy S23',
  S916: 'Galaxy S23+',
  S918: 'Galaxy S23 Ultra',
  S711: 'Galaxy S23 FE',
  S921: 'Galaxy S24',
  S926: 'Galaxy S24+',
  S928: 'Galaxy S24 Ultra',
  A536: 'Galaxy A53 5G',
  A546: 'Galaxy A54 5G',
  A556: 'Galaxy A55 5G',
  F731: 'Galaxy Z Flip5',
  F946: 'Galaxy Z Fold5',
  F741: 'Galaxy Z Flip6',
  F956: 'Galaxy Z Fold6',
  X710: 'Galaxy Tab S9',
  X716: 'Galaxy Tab S9',
  X810: 'Galaxy Tab S9+',
  X910: 'Galaxy Tab S9 Ultra',
  T820: 'Galaxy Tab S3',
  T825: 'Galaxy Tab S3',
};

/** Model names that already say who made them. */
const SELF_DESCRIBING =
  /^(Pixel|Nexus|Galaxy|Redmi|POCO|Mi |Xiaomi|OnePlus|moto|Motorola|Xperia|Nokia|HUAWEI|HONOR|OPPO|vivo|realme|Fairphone|Nothing)/i;

const MAX_MODEL_LENGTH = 64;

/** Printable, trimmed, capped — the model comes from a header anyone can set. */
export function sanitizeModel(model: string | null): string | null {
  if (model === null) return null;
  const printable = model.replace(/[^\p{L}\p{N} +()._/-]/gu, '').trim();
  return printable === '' ? null : printable.slice(0, MAX_MODEL_LENGTH);
}

/** "Pixel 8", "Galaxy S23", "Samsung SM-X999", "Xiaomi 2201117TG" — from what the client sent. */
export function friendlyModelName(model: string, vendor: string | null): string {
  const samsungCode = /^SM-([A-Z]\d{3})/.exec(model);
  if (samsungCode) return SAMSUNG_MODELS[samsungCode[1] ?? ''] ?? `Samsung ${model}`;
  if (SELF_DESCRIBING.test(model) || vendor === null) return model;
  return `${vendor} ${model}`;
}
