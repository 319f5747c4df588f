"""What the admin's figures (bench/admin.py) say: a table of the screens and the targets, for
bench/run.py, which runs outside the site's process and so imports nothing of Django."""

RUNS = 5
# What the table calls each screen, in the order a round requests them: the preview is shown
# from the form data sent just before it, as the editor's preview panel does.
SCREENS = {
    "explorer": "Explorer, news index",
    "chooser": "Page chooser",
    "chooser_index": "Page chooser, news index",
    "edit": "Editor, news item",
    "preview_form": "Preview, form sent",
    "preview": "Preview, shown",
    "draft": "Save draft",
}
LISTING = "listing"


def table(result):
    heading = (
        f"The admin as a moderator, {result['items']:,} items under the news index: "
        f"ms the median of {RUNS} requests in-process"
    )
    columns = (
        f"{'':<28}{'all items':^17} | {'at 1/10':^17}\n"
        f"{'Screen':<28}{'ms':>8}{'queries':>9} | {'ms':>8}{'queries':>9}  URL"
    )
    rule = "-" * 100
    lines = [heading, rule, columns, rule]
    for label, name in {**SCREENS, LISTING: "News index, uncached"}.items():
        lines.append(
            f"{name:<28}{result['ms'][label]:>8.1f}{result['queries'][label]:>9} | "
            f"{result['ms_small'][label]:>8.1f}{result['queries_small'][label]:>9}  "
            f"{result['urls'][label]}"
        )
    lines += [
        rule,
        f"at 1/10: the same with {result['small_items']:,} items under the news index (the "
        "others deleted, with every row that refers to them, in a transaction rolled back); "
        "the preview is sent the editor's form and then shown, as the editor's preview panel "
        "does; the draft is saved from the same form.",
    ]
    return "\n".join(lines)


def checks(result):
    """(passed, text) for each of the admin's targets."""
    queries, small, ms = result["queries"], result["queries_small"], result["ms"]
    grown = [label for label in SCREENS if queries[label] > small[label]]
    differ = ", ".join(
        f"{SCREENS[label]} {queries[label]} vs {small[label]}"
        for label in SCREENS
        if queries[label] != small[label]
    )
    slower = ", ".join(
        f"{SCREENS[label]} {ms[label]:.1f} ms" for label in SCREENS if ms[label] > ms[LISTING]
    )
    slowest = max(SCREENS, key=ms.get)
    return [
        (
            not grown,
            f"Admin queries do not grow with the archive ({result['items']:,} items vs "
            f"{result['small_items']:,}): " + (f"differ: {differ}" if differ else "the same"),
        ),
        (
            not slower,
            f"No admin screen slower than the uncached news index ({ms[LISTING]:.1f} ms): "
            + (
                f"slower: {slower}"
                if slower
                else f"slowest {SCREENS[slowest]}, {ms[slowest]:.1f} ms"
            ),
        ),
    ]
