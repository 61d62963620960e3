/// The cues the scanner looks for, by kind. Phrases are lower-case, matched on normalized text;
/// most must stand as whole words.
enum Cue: Int, CaseIterable, Sendable {
    /// ignore, disregard, forget … (strong when followed by an instruction object)
    case overrideVerb
    /// instructions, system prompt, guidelines … (the object of an override)
    case overrideObject
    /// the above, your rules, context … (a weaker object)
    case overrideObjectWeak
    /// chat-template and role tokens: <|im_start|>, [INST], <<SYS>>, ### Instruction
    case roleMarker
    /// `system:`, `assistant:`, `human:` at the start of a line
    case roleLine
    /// fake tool-call or tool-result syntax
    case toolSyntax
    /// words addressed to an AI: "as an AI", "AI assistant", "language model", a model's name
    case aiAddress
    /// instructions to an agent: "your new task", "from now on", "you must now" …
    case directive
    /// "do not tell the user", "secretly" …
    case secrecy
    /// exfiltration helpers: request catchers, templated query strings
    case exfiltration
    /// jailbreak framing: "do anything now", "developer mode" …
    case jailbreak
    /// urgency words
    case urgency
    /// authority claims
    case authority
    /// asking for a benign verdict: "mark this alert as a false positive" …
    case verdictSteering
    /// a text that talks *about* injection (awareness pages, analyst notes)
    case discussion
}

enum InjectionLexicon {
    struct Entry {
        var phrase: String
        var cue: Cue
        var wordBounded: Bool
    }

    static let entries: [Entry] = {
        var result: [Entry] = []
        func add(_ cue: Cue, _ phrases: [String], word: Bool = true) {
            for p in phrases { result.append(Entry(phrase: p, cue: cue, wordBounded: word)) }
        }
        add(
            .overrideVerb,
            [
                "ignore", "ignoring", "ignore all", "disregard", "disregarding", "forget", "forget about", "override",
                "overriding", "bypass", "do not follow", "don't follow", "dont follow", "stop following",
                "pay no attention to",
                "never mind", "nevermind", "set aside", "discard", "abandon", "skip", "no longer follow", "ignora",
                "ignoriere",
                "ignorez", "oublie", "vergiss",
            ])
        add(
            .overrideObject,
            [
                "instructions", "instruction", "directions", "directives", "prompt", "prompts", "system prompt",
                "guidelines", "programming", "what you were told", "previous messages", "prior messages",
                "previous text",
                "previous prompt", "preprompt", "pre-prompt", "initial instructions", "original instructions", "task",
                "instrucciones", "anweisungen", "consignes",
            ])
        add(
            .overrideObjectWeak,
            [
                "the above", "everything above", "all of the above", "everything before", "your rules", "the rules",
                "all rules", "context", "constraints", "restrictions", "safety", "everything", "previous", "prior",
            ])
        add(
            .roleMarker,
            [
                "<|im_start|>", "<|im_end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>", "<|eot_id|>",
                "<|start_header_id|>", "<|end_header_id|>", "<|begin_of_text|>", "[inst]", "[/inst]", "<<sys>>",
                "<</sys>>",
                "[system]", "[system message]", "[system note]", "### instruction", "### system", "### response",
                "<system>", "</system>", "<instructions>", "</instructions>", "<information>", "</information>",
                "<|im_sep|>", "system override", "admin override", "developer override", "[admin]", "<admin>",
                "begin system", "end system", "system message:", "system note:", "---system---", "[[system]]",
            ], word: false)
        add(
            .roleLine, ["system:", "assistant:", "human:", "user:", "ai:", "### human", "### assistant", "sys:"],
            word: false)
        add(
            .toolSyntax,
            [
                "</tool_result>", "<tool_result>", "<tool_use>", "</tool_use>", "<tool_call>", "</tool_call>",
                "<function_calls>", "</function_calls>", "<invoke ", "<function_results>", "</function_results>",
                "\"tool_calls\"", "\"function_call\"", "tool_use_id", "<|tool", "<|python_tag|>", "```tool_code",
                "<function=", "[tool_calls]",
            ], word: false)
        add(
            .aiAddress,
            [
                "as an ai", "ai assistant", "ai model", "ai agent", "language model", "large language model", "llm",
                "chatgpt", "gpt-4", "gpt-3", "gpt4", "gpt-4o", "claude", "gemini", "copilot", "bard", "dear ai",
                "dear assistant", "dear agent", "hey assistant", "hello assistant", "attention ai", "note to the ai",
                "note to ai", "to the ai", "if you are an ai", "you are an ai", "you are a helpful",
                "you are an assistant",
                "you are a language model", "ai reading this", "automated agent", "the assistant", "assistant,",
                "message from me", "this is an important message", "you are now", "your system prompt", "the model",
                "chatbot", "bot reading", "any ai", "ai system",
            ])
        add(
            .directive,
            [
                "your new task", "new task", "new instructions", "updated instructions", "additional instructions",
                "important instructions", "follow these instructions", "follow the instructions below",
                "follow my instructions", "instead you", "instead, you", "you must now", "you must", "from now on",
                "you will now", "respond only with", "respond with", "reply with", "reply only", "output only",
                "say \"", "print \"", "repeat after me", "repeat the following", "before you", "before solving",
                "before completing", "before you do", "after you finish", "do the following", "please do the following",
                "call the function", "call the tool", "use the tool", "using the tool", "execute the following",
                "run the following command", "send the", "send all", "send it to", "send a copy", "forward all",
                "forward the", "email the", "transfer $", "transfer the", "delete all", "delete the", "grant access",
                "add the user", "make me an admin", "disable mfa", "change the password", "reset the password",
                "i am the developer", "i am your developer", "i am the admin", "this is the admin", "act now",
                "what you must do", "you should now", "you are required to", "required action", "it is mandatory",
                "stop what you", "translate the above", "summarize the above", "print your", "reveal your",
                "output your", "show your system",
            ])
        add(
            .secrecy,
            [
                "do not tell the user", "don't tell the user", "dont tell the user", "do not mention", "don't mention",
                "without telling", "without informing", "secretly", "do not inform", "keep this secret", "don't reveal",
                "do not reveal", "do not alert", "do not notify", "don't notify", "the user must not know",
                "without the user", "do not let the user", "don't let the user", "never reveal", "silently",
                "do not disclose",
            ])
        add(
            .exfiltration,
            [
                "webhook.site", "ngrok", "requestbin", "pipedream.net", "burpcollaborator", "oastify", "interact.sh",
                "pastebin.com", "attacker.", "evil.", "exfil", "?q={", "={", "=${", "=$(", "%7b", "?data=", "&data=",
                "?secret=", "?token=", "?key=", "?p=", "?info=", "![", "<img src=",
            ], word: false)
        add(
            .jailbreak,
            [
                "do anything now", "dan mode", "developer mode", "jailbreak", "jailbroken", "no restrictions",
                "without restrictions", "unfiltered", "uncensored", "stay in character", "pretend you are",
                "pretend to be", "roleplay as", "role-play as", "act as a", "act as an", "opposite mode", "anti-dan",
                "evil confidant", "ignore your programming", "no ethical", "no moral", "free from", "break character",
                "simulate", "hypothetical response",
            ])
        add(
            .urgency,
            [
                "urgent", "urgently", "immediately", "right now", "asap", "critical", "as soon as possible",
                "time-sensitive", "at once", "without delay", "important",
            ])
        add(
            .authority,
            [
                "administrator", "system administrator", "security team", "developer", "openai", "anthropic",
                "your creator", "your developer", "ceo", "management", "it department", "authorized by", "on behalf of",
                "official", "compliance",
            ])
        add(
            .verdictSteering,
            [
                "mark this alert", "mark the alert", "close this alert", "close the alert", "close this incident",
                "classify this", "classify it as", "as a false positive", "as benign", "is benign",
                "is a false positive",
                "no further investigation", "do not escalate", "don't escalate", "resolve this alert", "auto-close",
                "safe to close", "this activity is authorized", "mark as resolved", "mark it as resolved",
                "not malicious", "no action needed", "no action is needed", "dismiss this alert",
            ])
        add(
            .discussion,
            [
                "prompt injection", "prompt-injection", "injection attack", "for example", "e.g.", "such as",
                "awareness", "training", "attackers", "an attacker", "phishing", "be aware", "example of", "quoted",
                "red team", "red-team", "researchers", "lure",
            ])
        return result
    }()
}
