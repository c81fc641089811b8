/*
 * The latest signers (templates/campaigns/petition/latest_signers.html): fetched from the JSON endpoint when
 * the page loads, never part of the cached page, so a signer whose details were deleted is not shown.
 * The box stays hidden when there is no one to show or the request fails.
 */
(function () {
    "use strict";

    var box = document.querySelector("[data-latest-signers]");
    if (!box || !window.fetch) {
        return;
    }
    var list = box.querySelector("[data-latest-signers-list]");
    fetch(box.getAttribute("data-latest-signers"), { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) {
            return response.ok ? response.json() : { signers: [] };
        })
        .then(function (data) {
            var signers = (data && data.signers) || [];
            list.textContent = "";
            signers.forEach(function (signer) {
                var item = document.createElement("li");
                item.textContent = signer.text;
                list.appendChild(item);
            });
            box.hidden = signers.length === 0;
        })
        .catch(function () {
            /* No names is better than an error where the page's story is. */
        });
})();
