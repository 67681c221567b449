"""Fill zh translations from a JSON mapping on stdin: {"msgid": "译文"} (a helper for scripts/i18n.sh)."""
import json
import sys

from babel.messages.pofile import read_po, write_po

PATH = "community/translations/zh/LC_MESSAGES/messages.po"
updates = json.load(sys.stdin)
with open(PATH, "rb") as f:
    catalog = read_po(f)
for message in catalog:
    if message.id in updates:
        message.string = updates[message.id]
        message.flags.discard("fuzzy")
with open(PATH, "wb") as f:
    write_po(f, catalog, width=100)
print(f"updated {sum(1 for m in catalog if m.id in updates)} messages")
