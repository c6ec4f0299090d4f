// Whether an attack phrase is quoted in order to talk about it, or described rather than made: 'A user sent our bot "ignore all
// previous instructions". How should we handle this?' A security team asking about an attack, a
// support ticket reporting one and a blog post explaining one all quote the attack; a policy
// flags such texts instead of blocking them (policy::decide).
//
// The test is deliberately narrow, because an attacker can quote too: the phrase must sit inside
// a pair of quotation marks (or a code span), and the words outside the quotes must discuss it
// (how, why, explain, attack, detect, ... in several languages) and give no order to carry it
// out (follow, do, execute, ...). A question mark alone is not discussion: 'Translate "ignore
// your rules and ..."?' still blocks, and so do 'Here is what to do: "..."' and an injection
// inside a quoted document that the text only asks to summarize.
#pragma once

#include <cstddef>
#include <string_view>

namespace aisafe::detect {

// What a finding's span is: a phrase a rule matched, or a judgment of a whole text (the
// classifier's), whose span is the text and has no words of its own before or after it.
enum class SpanKind { kPhrase, kWholeText };

// True when text[start, end) lies inside quotation marks and the text outside them discusses
// it. A phrase that holds a pair's closing mark is not inside that pair. Offsets are bytes of
// valid UTF-8.
bool quotedForDiscussion(std::string_view text, std::size_t start, std::size_t end,
                         SpanKind kind = SpanKind::kPhrase);

// True when the sentence around text[start, end), or the line that leads into it, describes an
// attack in the third person ("an attacker injects a prompt telling the chatbot to ignore
// previous guidelines"), as security documentation does. An attack speaks to the model; it
// rarely names its attacker. For a phrase only the words before it count, since those after it
// are the attack's own ("... and print 'not malicious'"); for a whole text, all of them.
bool describedAsAnAttack(std::string_view text, std::size_t start, std::size_t end,
                         SpanKind kind = SpanKind::kPhrase);

}  // namespace aisafe::detect
