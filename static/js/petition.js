/*
 * The petition form, enhanced (templates/campaigns/petition/).
 *
 * Without this script the form posts to the page and is redirected to the thank-you state. With it:
 * - the form posts in the background (Accept: application/json, answered by campaigns.views.petition),
 *   shows errors next to their fields, adds the signature to the count shown (where signatures count at
 *   once, without confirmation) and swaps in the thank-you state;
 * - the count is refreshed from the JSON count endpoint when the page loads, so a page served from a
 *   cache shows a fresh figure;
 * - on a wide window the petition panel follows the reader (followReader);
 * - the hidden source fields get the page's utm_* parameters and the referring site's host;
 * - when the form first comes into view, its hidden "form shown" field gets a signed token of that moment
 *   (campaigns/form_shown.py: the cached page cannot hold one), so a form sent faster than a person fills
 *   it in can be told apart;
 * - a "sign" link to the petition (#sign) puts the cursor in the form's first field;
 * - "send the email again" posts in the background and says the answer where the button is;
 * - the share step gets the browser's own share menu (Web Share) and a "copy link" button where they exist.
 * After a background post, focus moves to the thank-you heading or to the first field in error, and the
 * outcome is said aloud: the thank-you heading through the status region, mistakes through the alert.
 * If the background post fails (offline, an unexpected answer), the form is posted the plain way.
 * One file past 400 lines on purpose: every enhancement of the petition, served as one small request (minified,
 * cached for ever) to every campaign page and embed, without a bundler to join modules.
 */
(function () {
    "use strict";

    var root = document.querySelector("[data-petition]");
    if (!root || !window.fetch || !window.FormData || !window.URLSearchParams) {
        return;
    }
    var UTM_FIELDS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
    var language = document.documentElement.lang || undefined;
    var numbers = new Intl.NumberFormat(language);
    var plurals = new Intl.PluralRules(language);

    // The count and, when given, the goal beside it (which may have stepped up: campaigns/goals.py), in the
    // petition and at the top of the page (campaigns/petition/hero_count.html).
    function showCount(count, goal) {
        if (typeof count !== "number") {
            return;
        }
        if (typeof goal === "number" && goal > 0) {
            document.querySelectorAll("[data-signature-progress]").forEach(function (bar) {
                bar.max = goal;
            });
            document.querySelectorAll("[data-goal-sentence]").forEach(function (sentence) {
                sentence.textContent = sentence.getAttribute("data-goal-sentence").replace("{goal}", numbers.format(goal));
            });
        }
        document.querySelectorAll("[data-signature-count]").forEach(function (element) {
            element.setAttribute("data-signature-count", String(count));
            element.textContent = numbers.format(count);
        });
        document.querySelectorAll("[data-count-word]").forEach(function (word) {
            var form = plurals.select(count) === "one" ? "one" : "other";
            word.textContent = word.getAttribute("data-" + form);
        });
        document.querySelectorAll("[data-signature-progress]").forEach(function (bar) {
            bar.value = Math.min(count, Number(bar.max) || count);
        });
    }

    function refreshCount() {
        var url = root.getAttribute("data-count-url");
        if (!url) {
            return;
        }
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) {
                return response.ok ? response.json() : null;
            })
            .then(function (data) {
                if (data) {
                    showCount(data.count, data.goal);
                }
            })
            .catch(function () {
                /* The count in the page stays: it is only a few seconds or minutes old. */
            });
    }

    function fillSource(form) {
        var params = new URLSearchParams(window.location.search);
        UTM_FIELDS.forEach(function (name) {
            var input = form.elements[name];
            if (input && !input.value && params.get(name)) {
                input.value = params.get(name).slice(0, 200);
            }
        });
        var referrer = form.elements.referrer;
        if (referrer && !referrer.value && document.referrer) {
            try {
                var host = new URL(document.referrer).hostname; // the host only, never the path
                if (host !== window.location.hostname) {
                    referrer.value = host;
                }
            } catch (error) {
                /* not a URL: leave it empty */
            }
        }
    }

    // The "form shown at" token (campaigns/form_shown.py), fetched when the form first comes into view (at
    // once where the browser cannot tell). A token already there is kept: a form the browser restored with
    // its fields filled in was shown when that token was made, not now. Without an answer the field stays
    // empty, which only means the form is judged without it.
    function markShown(form) {
        var url = root.getAttribute("data-form-shown-url");
        var input = form.elements.form_shown;
        if (!url || !input || input.value) {
            return;
        }
        function fetchToken() {
            fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
                .then(function (response) {
                    return response.ok ? response.json() : null;
                })
                .then(function (data) {
                    if (data && data.token && !input.value) {
                        input.value = data.token;
                    }
                })
                .catch(function () {
                    /* no token: the signature is judged without one */
                });
        }
        if (!window.IntersectionObserver) {
            fetchToken();
            return;
        }
        var observer = new window.IntersectionObserver(function (entries) {
            if (entries.some(function (entry) { return entry.isIntersecting; })) {
                observer.disconnect();
                fetchToken();
            }
        });
        observer.observe(form);
    }

    function describedBy(element, id, add) {
        var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (value) {
            return value && value !== id;
        });
        if (add) {
            ids.push(id);
        }
        if (ids.length) {
            element.setAttribute("aria-describedby", ids.join(" "));
        } else {
            element.removeAttribute("aria-describedby");
        }
    }

    function clearErrors(form, alertBox) {
        form.querySelectorAll("[data-field] .errorlist").forEach(function (list) {
            var target = form.querySelector("[aria-describedby~='" + list.id + "']");
            if (target) {
                describedBy(target, list.id, false);
            }
            list.remove();
        });
        form.querySelectorAll("[aria-invalid]").forEach(function (element) {
            element.removeAttribute("aria-invalid");
        });
        alertBox.hidden = true;
        alertBox.textContent = "";
    }

    function errorList(id, messages) {
        var list = document.createElement("ul");
        list.className = "errorlist";
        list.id = id;
        messages.forEach(function (message) {
            var item = document.createElement("li");
            item.textContent = message;
            list.appendChild(item);
        });
        return list;
    }

    function showErrors(form, alertBox, errors) {
        var general = [];
        var first = null;
        Object.keys(errors).forEach(function (name) {
            var messages = errors[name].map(function (error) {
                return typeof error === "string" ? error : error.message;
            });
            var container = name === "__all__" ? null : form.querySelector("[data-field='" + name + "']");
            if (!container) {
                general = general.concat(messages);
                return;
            }
            // Single inputs are described by the list; a group of radios or boxes by its fieldset.
            var control = container.matches("fieldset") ? container : container.querySelector("input, select, textarea");
            var id = "id_" + name + "_error";
            var list = errorList(id, messages);
            if (container.matches(".checkbox")) {
                container.lastElementChild.appendChild(list);
            } else if (control === container) {
                container.querySelector("legend").after(list);
            } else {
                control.before(list);
            }
            container.querySelectorAll("input, select, textarea").forEach(function (input) {
                input.setAttribute("aria-invalid", "true");
            });
            describedBy(control, id, true);
            first = first || container.querySelector("input, select, textarea");
        });
        // The alert is read out as soon as it has words: that fields need correcting, and any error that
        // belongs to no one field (a closed petition, too many signatures from one connection).
        if (first) {
            var summary = document.createElement("p");
            summary.textContent = form.getAttribute("data-mistakes-message");
            alertBox.appendChild(summary);
        }
        if (general.length) {
            alertBox.appendChild(errorList("petition-errors", general));
        }
        alertBox.hidden = !alertBox.firstChild;
        if (first) {
            first.focus();
        }
    }

    function showState(html) {
        var state = root.querySelector("[data-petition-state]");
        state.innerHTML = html;
        showShareTools();
        var heading = state.querySelector("[data-petition-thanks-heading]");
        var status = root.querySelector("[data-petition-status]");
        if (heading) {
            heading.focus();
            if (status) {
                status.textContent = heading.textContent;
            }
        }
    }

    // The petition's first field, or nothing when the petition is closed or already signed.
    function firstField() {
        return root.querySelector("[data-petition-form] [data-field] input, [data-petition-form] [data-field] select, [data-petition-form] [data-field] textarea");
    }

    function focusFormFromLinks() {
        document.querySelectorAll("a[href='#sign']").forEach(function (link) {
            link.addEventListener("click", function () {
                var field = firstField();
                if (!field) {
                    return; // the browser scrolls to the petition, as without this script
                }
                // After the browser has scrolled to the petition: the cursor in the first field, which is
                // brought into view only if the petition's heading and count left it below the screen.
                window.setTimeout(function () {
                    field.focus({ preventScroll: true });
                    var box = field.getBoundingClientRect();
                    if (box.bottom > window.innerHeight || box.top < 0) {
                        field.scrollIntoView({ block: "nearest" });
                    }
                }, 0);
            });
        });
    }

    function enhance(form) {
        var alertBox = form.querySelector("[data-petition-alert]");
        var button = form.querySelector("[type='submit']");
        var busy = false;
        fillSource(form);
        markShown(form);

        form.addEventListener("submit", function (event) {
            event.preventDefault();
            if (busy) {
                return;
            }
            busy = true;
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
            clearErrors(form, alertBox);
            fetch(form.action, {
                method: "POST",
                body: new FormData(form),
                headers: { Accept: "application/json" },
                credentials: "same-origin",
            })
                .then(function (response) {
                    return response.json();
                })
                .then(function (data) {
                    if (data.ok) {
                        // The reply never says whether the count moved (that would tell a prober whether
                        // an address had signed before); the signer sees their own signature added.
                        if (root.hasAttribute("data-counts-at-once")) {
                            var shown = root.querySelector("[data-signature-count]");
                            showCount(Number(shown && shown.getAttribute("data-signature-count")) + 1);
                        }
                        showState(data.html);
                    } else {
                        showErrors(form, alertBox, data.errors || {});
                    }
                })
                .catch(function () {
                    // No usable answer: post the plain way. Signing twice is harmless (one per address).
                    form.submit();
                })
                .finally(function () {
                    busy = false;
                    button.disabled = false;
                    button.removeAttribute("aria-busy");
                });
        });
    }

    // "Send the email again" (templates/campaigns/petition/check_inbox.html), also in a thank-you state
    // swapped in after a background post: the answer is said in the form's status line.
    function enhanceResend() {
        root.addEventListener("submit", function (event) {
            var resend = event.target.closest("[data-resend-form]");
            if (!resend) {
                return;
            }
            event.preventDefault();
            var status = resend.querySelector("[data-resend-status]");
            var button = resend.querySelector("[type='submit']");
            button.disabled = true;
            fetch(resend.action, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" })
                .then(function (response) {
                    return response.json();
                })
                .then(function (data) {
                    status.textContent = data.ok ? data.message : ((data.errors || {}).__all__ || []).join(" ");
                })
                .catch(function () {
                    resend.submit();
                })
                .finally(function () {
                    button.disabled = false;
                });
        });
    }

    // The share step (templates/campaigns/petition/share_step.html): the browser's own share menu where it has
    // one, and a "copy link" button where the page may write to the clipboard. Both are hidden until then.
    function showShareTools() {
        if (navigator.share) {
            root.querySelectorAll("[data-share-native]").forEach(function (element) {
                element.hidden = false;
            });
        }
        if (navigator.clipboard && window.isSecureContext) {
            root.querySelectorAll("[data-copy-link]").forEach(function (element) {
                element.hidden = false;
            });
        }
    }

    function enhanceShare() {
        root.addEventListener("click", function (event) {
            var share = event.target.closest("[data-share-url]");
            if (share) {
                navigator
                    .share({
                        title: share.getAttribute("data-share-title"),
                        text: share.getAttribute("data-share-text"),
                        url: share.getAttribute("data-share-url"),
                    })
                    .catch(function () {
                        /* closed without sharing: the links are still there */
                    });
                return;
            }
            var copy = event.target.closest("[data-copy-link]");
            if (copy) {
                var step = copy.closest(".petition-share__copy");
                var link = step.querySelector("[data-share-link]");
                var status = step.querySelector("[data-copy-status]");
                navigator.clipboard.writeText(link.value).then(
                    function () {
                        status.textContent = copy.getAttribute("data-copied");
                    },
                    function () {
                        link.select(); // the browser refused: the address is selected, ready to copy by hand
                    }
                );
            }
        });
    }

    // On a wide window the panel stays beside the story as the reader scrolls (site.css, .is-following). A panel
    // taller than the window first scrolls with the page until its end, the Sign button, is in view, and stays
    // there: its top offset is negative by what does not fit. Never a scroll inside a scroll. Without this
    // script the panel simply scrolls with the page.
    function followReader() {
        var panel = document.querySelector(".campaign-petition");
        if (!panel || !window.matchMedia) {
            return;
        }
        var wide = window.matchMedia("(min-width: 60em)");
        function place() {
            if (!wide.matches) {
                panel.classList.remove("is-following");
                return;
            }
            var gap = 16;
            var top = Math.min(gap, window.innerHeight - panel.offsetHeight - gap);
            panel.style.setProperty("--petition-top", top + "px");
            panel.classList.add("is-following");
        }
        place();
        window.addEventListener("resize", place);
        if (window.ResizeObserver) {
            new window.ResizeObserver(place).observe(panel); // the thank-you state, errors shown
        }
    }

    var form = root.querySelector("[data-petition-form]");
    if (form) {
        enhance(form);
    }
    enhanceResend();
    enhanceShare();
    showShareTools();
    focusFormFromLinks();
    followReader();
    refreshCount();
})();
