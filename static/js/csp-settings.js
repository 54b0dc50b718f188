// Loaded before Bootstrap Italia's bundle. The video.js player inside the bundle writes
// <style> elements into the page when it loads, which the Content-Security-Policy
// (style-src 'self') refuses; this documented video.js switch turns that off.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
