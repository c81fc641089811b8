"""Ban face surveillance in public spaces: an open petition to city leaders."""

from home.demo.streams import heading, paragraph, reference, share_links, sign_cta

KEY = "face-surveillance"

BODY = [
    paragraph(
        "<p>Cameras that recognize faces are spreading into streets, train stations, shopping centers and "
        "stadiums. Each one turns a public place into a police lineup: everyone who walks past is scanned, "
        "identified and logged, without suspicion and without consent.</p>"
    ),
    paragraph(
        "<p>Face recognition makes mistakes, and its mistakes are not evenly shared. A large study by the U.S. "
        "National Institute of Standards and Technology found that many algorithms misidentify Black and Asian "
        "faces far more often than white faces.[1] A false match can mean a stop, a search or an arrest for "
        "something you did not do.</p>"
    ),
    paragraph(
        "<p>Even when it works, it is a danger. People who know they are being watched stay away from protests, "
        "clinics and places of worship. A city where every face is tracked is a city where no one is free to "
        "assemble, to speak or simply to be left alone.</p>"
    ),
    heading("What we are asking for"),
    paragraph(
        "<p>We ask our city leaders to:</p>"
        "<ul>"
        "<li>Ban live face recognition in public spaces.</li>"
        "<li>Ban the use of face recognition to identify people at protests.</li>"
        "<li>Publish every surveillance technology the city uses, and let residents decide on new ones.</li>"
        "</ul>"
    ),
    sign_cta(
        "Sign the petition",
        heading="Keep our public spaces free",
        text="Add your name to ask city leaders to ban face surveillance.",
    ),
    share_links("Spread the word"),
]

REFERENCES = [
    reference(
        "Face Recognition Vendor Test (FRVT) Part 3: Demographic Effects (NISTIR 8280)",
        "National Institute of Standards and Technology",
        "https://nvlpubs.nist.gov/nistpubs/ir/2019/NIST.IR.8280.pdf",
        author="Patrick Grother, Mei Ngan, Kayee Hanaoka",
        date="2019-12-19",
    ),
]

CAMPAIGN = {
    "key": KEY,
    "slug": KEY,
    "artwork": "mesh",
    "image_title": "Face surveillance campaign: a mesh of points",
    "image_description": "Abstract artwork: a web of thin lines joining glowing points over a teal and indigo background.",
    "body": BODY,
    "references": REFERENCES,
    "next_action_page": None,
    # A deadline a few weeks after loading, so the page shows "Closes in 23 days — …".
    "closes_in_days": 23,
    "fields": {
        "title": "Ban face surveillance in our public spaces",
        "summary": (
            "Face recognition cameras turn streets and stations into a permanent police lineup. "
            "Ask city leaders to ban face surveillance in public spaces."
        ),
        "target": "City leaders",
        "cta_heading": "Tell city leaders: ban face surveillance",
        "ask": (
            "<p>To our mayors and city councils:</p>"
            "<p>We, the undersigned, ask you to ban live face recognition in public spaces, to forbid its use "
            "against people at protests, and to publish every surveillance technology our city uses.</p>"
        ),
        # The five latest signers' first names and countries beside the story (the demo's signers are made up).
        "show_latest_signers": True,
        "signature_goal": 25000,
        # No confirmation by email, so no updates box: updates go only to confirmed addresses.
        "updates_opt_in": False,
        "consent_text": (
            "Stand Up For Privacy will email you about this campaign. We share signers' names and cities with "
            "the petition's recipients, never their email addresses, and delete your details when the campaign "
            "ends. Our privacy notice explains your rights."
        ),
        "thank_you_heading": "Thank you for signing!",
        "thank_you_text": (
            "<p>Every signature shows city leaders that residents are watching what they decide. Share the "
            "petition so your neighbors can sign too.</p>"
        ),
        "share_text": "Our streets are not a police lineup. Sign to ban face surveillance in public spaces:",
    },
}
