"""Production's static files: the project's own stylesheets and scripts minified, then hashed and compressed.

`collectstatic` copies every app's static files to STATIC_ROOT; this storage then rewrites the project's own
CSS and JS (static/css/, static/js/) in their minified form (rcssmin, rjsmin: comments and white space out,
nothing renamed, so a rule or a script means what it meant) before WhiteNoise's storage names each file by
its content's hash, rewrites the CSS `url()`s to those names and writes the gzip and brotli copies. Wagtail's
and other apps' files ship minified already and are left as they come. The sources in static/ stay readable;
development serves them as they are.
"""

import rcssmin
import rjsmin
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {
    ".css": lambda text: rcssmin.cssmin(text, keep_bang_comments=True),
    ".js": lambda text: rjsmin.jsmin(text, keep_bang_comments=True),
}
OWN = ("css/", "js/")  # the project's own folders under static/; apps keep theirs under their own names


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            paths = {name: self.minify(name, *found) for name, found in paths.items()}
        yield from super().post_process(paths, dry_run=dry_run, **options)

    def minify(self, name, storage, path):
        """Write the minified text over the collected copy, and have the hashed names made from that copy
        (Django's manifest storage reads each file from where it was found, not from the copy)."""
        minifier = MINIFIERS.get(name[name.rfind(".") :])
        if minifier is None or not name.startswith(OWN):
            return storage, path
        with storage.open(path) as file:
            text = file.read().decode("utf-8")
        with open(self.path(name), "w", encoding="utf-8") as file:
            file.write(minifier(text))
        return self, name
