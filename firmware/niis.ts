// What each NII is: the type imp.net.info() reports, and the impOS states of its link
// reports. The build replaces this module with the entries of the board's NIIs only
// (build/features.ts, the NIIs row).

/** NII -> the interface type imp.net.info() reports; an app may name an NII by either. */
export var TYPES: { [nii: string]: string } = { wl0: 'wifi', eth0: 'ethernet', cell0: 'cell' };

/**
 * A cellular NII may exist (it carries no UDP: openudp throws ERR_NOT_SUPPORTED). A constant,
 * not derived from TYPES, so that the build's `false` for boards without cell0 lets terser
 * drop the check.
 */
export var HAS_CELL = true;

/** Per NII, the impOS states of link reports SCANNING..NO_LINK (2..8, hal/link.ts). */
export var BY_NII: { [nii: string]: number[] } = {
  wl0: [100, 101, 103, 104, 105, 106, 105],
  eth0: [0, 0, 200, 201, 202, 203, 204],
  cell0: [300, 303, 302, 302, 305, 306, 305],
};
