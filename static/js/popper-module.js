// Popper (static/vendor/popper/popper.min.js, a classic script that sets window.Popper and
// runs first) as the ES module Bootstrap Italia's dropdown imports: its one import of
// "@popperjs/core" points here (static/vendor/README.md), as a browser resolves no bare names
// without an import map, and an import map is an inline script the CSP refuses.
const Popper = window.Popper;

export const createPopper = Popper.createPopper;
export const popperGenerator = Popper.popperGenerator;
export const detectOverflow = Popper.detectOverflow;
export default Popper;
