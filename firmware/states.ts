// The map from a driver's link report to impOS interface states (their names: firmware/constants.ts).
import { BY_NII } from './niis';

/** The impOS state for driver link report `link` (see hal/contract.ts) on interface `nii`. */
export var stateOf = function (nii: string, link: number): number {
  return link < 2 ? link : BY_NII[nii][link - 2];
};

/** True for UNKNOWN and every stopped state of `nii` (those of link reports 6..8): the interface cannot carry UDP. */
export var isDown = function (nii: string, s: number): boolean {
  return s < 0 || BY_NII[nii].indexOf(s) > 3;
};
