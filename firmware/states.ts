// The map from a driver's link report (hal/link.ts) to impOS interface states (their names:
// firmware/constants.ts).
import { BY_NII } from './niis';
import * as Link from '../hal/link';

/** impOS CONNECTED (the one state the runtime tests by value; a link report below SCANNING is its state). */
export var CONNECTED = Link.CONNECTED;

/** The impOS state for driver link report `link` (see hal/contract.ts) on interface `nii`. */
export var stateOf = function (nii: string, link: number): number {
  return link < Link.SCANNING ? link : BY_NII[nii][link - Link.SCANNING];
};

/** True for UNKNOWN and every stopped state of `nii` (those of the link reports after DHCP: STOPPED..NO_LINK): the interface cannot carry UDP. */
export var isDown = function (nii: string, s: number): boolean {
  return s < 0 || BY_NII[nii].indexOf(s) > Link.DHCP - Link.SCANNING;
};
