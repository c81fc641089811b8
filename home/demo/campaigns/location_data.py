"""Stop selling our location data: a closed petition to app makers, so listings show a closed campaign."""

from home.demo.streams import heading, next_action, paragraph, share_links

KEY = "location-data"

BODY = [
    paragraph(
        "<p>Many apps on our phones know where we are every minute of the day. Some of them pass that location "
        "to data brokers, companies that collect it from many sources, combine it and sell it on to anyone "
        "who pays.</p>"
    ),
    paragraph(
        "<p>A trail of locations says more about a person than almost anything else: where they sleep, where "
        "they work, which doctor they see, where they pray and whom they meet. Calling such data anonymous "
        "does not protect anyone, because a home and a workplace are often enough to tell who someone is.</p>"
    ),
    heading("What we asked for"),
    paragraph(
        "<p>We asked the makers of the apps we use every day to:</p>"
        "<ul>"
        "<li>Stop selling or sharing precise location data with data brokers.</li>"
        "<li>Collect location only when an app needs it, and only after asking clearly.</li>"
        "<li>Delete the location histories they no longer need.</li>"
        "</ul>"
    ),
    paragraph(
        "<p>This petition is closed. Thank you to everyone who signed: we delivered your names to the app "
        "makers and will keep pressing them to change.</p>"
    ),
    share_links("Spread the word"),
    next_action(
        "amazon-ring",
        "Tell Amazon Ring to stop sharing information with police",
        "Take the next action",
        "Ring doorbell cameras share footage with police. Add your name to the letter to Amazon.",
    ),
]

CAMPAIGN = {
    "key": KEY,
    "slug": KEY,
    "artwork": "trails",
    "image_title": "Location data campaign: traced paths",
    "image_description": "Abstract artwork: dotted paths converging on a single point over a plum and coral background.",
    "body": BODY,
    "references": [],
    "next_action_page": "amazon-ring",
    "fields": {
        "title": "Stop selling our location data",
        "summary": (
            "Apps pass our precise location to data brokers who sell it on. We asked app makers to stop. "
            "This petition is closed."
        ),
        "target": "App makers",
        "cta_heading": "Tell app makers: stop selling our location",
        "ask": (
            "<p>To the makers of the apps we use every day:</p>"
            "<p>Stop selling or sharing our precise location with data brokers, collect it only when your app "
            "needs it, and delete the location histories you no longer need.</p>"
        ),
        "signature_goal": 10000,
        "closed": True,
        # No confirmation by email, so no updates box: updates go only to confirmed addresses.
        "updates_opt_in": False,
        "consent_text": (
            "Stand Up For Privacy will email you about this campaign and delete your details when it ends. "
            "Our privacy notice explains your rights."
        ),
        "thank_you_heading": "Thank you for signing!",
        "thank_you_text": "<p>Thank you for standing up for everyone's privacy.</p>",
        "next_action_text": "Tell Amazon Ring to stop sharing information with police",
        "share_text": "Our location is not for sale. Read how we asked app makers to stop selling it:",
    },
}
