// The Bootstrap Italia components the site uses, and only those: the account menu's dropdown
// and the navigation's burger menu (data-bs-toggle="dropdown" and "navbarcollapsible").
// Importing a component registers its click handlers; each imports the few helpers it needs.
// About 60 KB of modules instead of the 1 MB bundle, whose parsing and start-up blocked the
// main thread for most of a second on a phone (Lighthouse's "total blocking time").
import "../vendor/bootstrap-italia/plugins/dropdown.js";
import "../vendor/bootstrap-italia/plugins/navbar-collapsible.js";
