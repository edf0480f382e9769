#!/usr/bin/env bash
# Regenerate the synthetic voice-message fixtures in tests/fixtures/voice/ (committed; CI never runs this).
#
# Needs Debian's espeak-ng and opus-tools at generation time only:
#     apt-get install espeak-ng opus-tools
# Each sentence is spoken by espeak-ng to WAV, then encoded like a Telegram voice note:
# Ogg/Opus, mono, VBR ~20 kbit/s, fixed stream serial so reruns give the same bytes.
# The Mandarin voice is cmn-latn-pinyin (plain "cmn" reads Chinese as pinyin with English rules).
# manifest.json pairs every file with its language and reference text, for tests and CER.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/fixtures/voice
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name | language | espeak-ng voice | words per minute | text
sentences=(
  "zh_visit_note|zh|cmn-latn-pinyin+f3|130|今天见了华信科技的王经理，他说价格太高，下周三再谈。"
  "zh_followup|zh|cmn-latn-pinyin+f3|130|今天拜访了华信科技，王经理说价格太高，下周三下午三点再约。"
  "zh_call_plan|zh|cmn-latn-pinyin+f3|130|明天上午十点给李总打电话，确认合同金额五十万元。"
  "zh_discount|zh|cmn-latn-pinyin+f3|130|客户希望月底前发货，需要申请特别折扣。"
  "en_visit_note|en|en-us|150|Today I visited Huaxin Technology. Mr Wang said the price is too high. We will meet again next Wednesday at three p.m."
  "en_call_plan|en|en-us|150|Call Mrs Li tomorrow morning to confirm the order of two hundred units."
)

manifest="$work/manifest.json"
printf '[\n' > "$manifest"
for index in "${!sentences[@]}"; do
  IFS='|' read -r name language voice speed text <<< "${sentences[$index]}"
  espeak-ng -v "$voice" -s "$speed" -w "$work/$name.wav" "$text"
  opusenc --quiet --serial 1 --bitrate 20 --downmix-mono "$work/$name.wav" "$out/$name.ogg"
  separator=$([ "$index" -lt $((${#sentences[@]} - 1)) ] && echo "," || echo "")
  printf '  {"file": "%s.ogg", "language": "%s", "text": "%s"}%s\n' "$name" "$language" "$text" "$separator" >> "$manifest"
done
printf ']\n' >> "$manifest"
cp "$manifest" "$out/manifest.json"
ls -l "$out"
