// Reading the non-architectural content of an event record (reference §9.1, §12.1 item 5).
//
// Some SMMUs fill dwords a record type does not define (the seed's C_BAD_STE carried the
// transaction attributes, the DMA address and the STE's PA). The architecture says nothing about
// them, so this only offers readings: the undefined dwords decoded with the layouts other event
// types use there (the translation-fault layout, the fetch layout), each clearly labelled as an
// interpretation. Never part of DecodedEvent.fields.

import { decodeStruct, type DecodedField } from "../../bits/fields";
import { eventTypeById } from "./event-types";

export interface NonArchitecturalReading {
  /** Whose layout was overlaid: "F_TRANSLATION layout", "F_STE_FETCH layout". */
  readonly layout: string;
  /** The overlaid fields that fall in the undefined dwords and are not zero. */
  readonly fields: DecodedField[];
  readonly note: string;
}

/**
 * Readings of the dwords the record's type leaves undefined, when they are not zero. Empty for
 * records whose undefined parts are zero, and for unknown event numbers.
 */
export function readNonArchitectural(words: ArrayLike<number>): NonArchitecturalReading[] {
  const id = (words[0] ?? 0) & 0xff;
  const type = eventTypeById(id);
  if (!type) return [];
  const definedDword = [0, 1, 2, 3].map((d) => type.struct.fields.some((f) => Math.floor(f.lsb / 64) === d));
  const undefinedNonZero = [1, 2, 3].filter(
    (d) => !definedDword[d] && ((words[2 * d] ?? 0) !== 0 || (words[2 * d + 1] ?? 0) !== 0),
  );
  if (undefinedNonZero.length === 0) return [];
  const out: NonArchitecturalReading[] = [];
  for (const [overlayId, note] of [
    [0x10, "as the translation-fault layout: DW1 transaction attributes, DW2 the input address, DW3 an IPA page"],
    [0x03, "as the fetch-fault layout: DW3 the PA of a structure (often the STE or CD itself)"],
  ] as const) {
    const overlay = eventTypeById(overlayId)!;
    const fields = decodeStruct(overlay.struct, words).fields.filter((f) => {
      const spec = overlay.struct.byName.get(f.field)!;
      return undefinedNonZero.includes(Math.floor(spec.lsb / 64)) && (f.raw.lo !== 0 || f.raw.hi !== 0);
    });
    if (fields.length) {
      out.push({
        layout: `${overlay.name} layout`,
        fields,
        note: `Not architectural for ${type.name}: IMPLEMENTATION SPECIFIC content read ${note}.`,
      });
    }
  }
  return out;
}
