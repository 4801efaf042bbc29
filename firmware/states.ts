// The map from a driver's link report to impOS interface states (their names: firmware/constants.ts).

/** Per NII, the impOS states of link reports 2..8. */
var BY_NII: { [nii: string]: number[] } = {
  wl0: [100, 101, 103, 104, 105, 106, 105],
  eth0: [0, 0, 200, 201, 202, 203, 204],
  cell0: [300, 303, 302, 302, 305, 306, 305],
};

/** The impOS state for driver link report `link` (see hal/contract.ts) on interface `nii`. */
export var stateOf = function (nii: string, link: number): number {
  return link < 2 ? link : BY_NII[nii][link - 2];
};

/** True for UNKNOWN and every stopped state: the interface cannot carry UDP. */
export var isDown = function (s: number): boolean {
  return s < 0 || s == 105 || s == 106 || (s > 201 && s < 205) || s > 304;
};
