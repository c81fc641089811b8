/*
 * For partner sites: loaded by the embed snippet beside its <iframe data-campaigns-embed> (see README,
 * "Embedding a petition"). It resizes each such frame to the height the petition inside reports
 * (embed-frame.js), so the form never scrolls inside the page. It listens only to messages from the site
 * this script came from, about a frame on this page, and does nothing else: no cookie, no request.
 */
(function () {
    "use strict";

    if (window.campaignsEmbed || !document.currentScript) {
        return; // loaded twice (two petitions on one page): the first copy serves both
    }
    window.campaignsEmbed = true;
    var site = new URL(document.currentScript.src).origin;
    var MAX_HEIGHT = 20000;

    window.addEventListener("message", function (event) {
        var data = event.data;
        if (event.origin !== site || !data || data.type !== "campaigns:embed-height") {
            return;
        }
        var height = Math.ceil(Number(data.height));
        if (!(height > 0 && height < MAX_HEIGHT)) {
            return;
        }
        document.querySelectorAll("iframe[data-campaigns-embed]").forEach(function (frame) {
            if (frame.contentWindow === event.source) {
                frame.style.height = height + "px";
            }
        });
    });
})();
