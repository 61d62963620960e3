import Foundation

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
    /// phrases that only make sense as instructions to a language model ("in your monologue",
    /// "if the user asks for a summary", "replace [DATA] with")
    case modelInstruction
    /// asking for the hidden prompt: "system prompt", "initial prompt"
    case promptLeak
    /// a reveal verb for the prompt-leak cue
    case revealVerb
    /// "TODO:" at the start of a line: agentdojo's task-injection frame
    case todoLine
    /// an imperative verb (send, post, create, delete …), counted right after "TODO:"
    case imperative
    /// second-person framing of a persona: "you are", "you will", "you must", "you have no" …
    case secondPerson
    /// an automated reader named as such: "automated analysis software", "the triage bot", "downstream
    /// tooling", "whoever processes this record" (no vendor or model name: those are `aiAddress`)
    case automationAddress
    /// a frame that addresses the words after it: "note to", "message for", "attention", "if you are"
    case addressFrame
    /// an obligation: "must", "should", "are to", "is required to", "please" …
    case modal
    /// what a SOC agent acts on: alert, detection, severity, ticket, password, token, allow list …
    case securityObject
    /// a word that may name an automated reader but often names something else: "bot", "assistant",
    /// "agent", "automation", and their translations; it counts only next to an `agentGoal`
    case weakAddress
    /// what an intruder wants a SOC agent to do, in several languages: close as benign, allow-list,
    /// do not escalate, lift a suspension, send to an address …
    case agentGoal
    /// a triage decision written as data: "triage=benign", "action=close", "do-not-quarantine"
    case triageDirective
    /// a cipher named next to its text ("… (rot13)"): the text is read deciphered as well
    case rot13Hint
    /// a text that says it is written backwards ("read backwards", "reversed", "rückwärts"): it is read reversed too
    case reverseHint
    /// a word for "automatic" or "automated" in any of several languages ("automat…", "otomatik", "自动", "자동"):
    /// next to a `readerNoun` it names an automated reader ("geautomatiseerde beoordelaars", "analis otomatis")
    case automationWord
    /// what reads or judges a record: analysis, reviewer, triage, system, tools, agent … in several languages
    case readerNoun
    /// a tool named as agents call it, by its verb ("reset_factors", "okta.suspend_user", "siem.search"); next to the
    /// words of a notice it is a notice about the agents' own tools
    case toolName
    /// the words of a notice about a tool: deprecated, moved to, use instead, remedy, approval granted, stop querying
    case toolNotice
    /// a reader addressed without being named: "whoever reviews this", "anyone reviewing the logs", "the next
    /// reviewer", "per chi esamina", "проверяющему"; it counts only next to what an intruder wants from one
    case unnamedReader
    /// what the SOC's detections are: "rules that fired", "triggered rule ids", "which detections", "detection
    /// thresholds"; asked for (`askVerb`, `shareVerb`) of an automated reader addressed as such, or (`askVerb`) in a
    /// name, it is reconnaissance of the detections through the agents
    case detectionLogic
    /// a request for something to be sent back ("reply with", "email", "paste", "tell us"): what asks for
    /// `detectionLogic`
    case askVerb
    /// a verb of handing something over that also names everyday jobs ("list", "send", "share"): it asks for
    /// `detectionLogic` of an addressed reader, not in a name (`list_detection_rules.py` is a script)
    case shareVerb
}

enum InjectionLexicon {
    /// A Latin phrase with its accents and marks dropped ("não isolar" → "nao isolar", "fałszywy" → "falszywy"), or
    /// nil when it has none or is not written in Latin letters.
    static func withoutAccents(_ phrase: String) -> String? {
        var out = String.UnicodeScalarView()
        var changed = false
        for scalar in phrase.decomposedStringWithCanonicalMapping.unicodeScalars {
            if (0x300...0x36F).contains(scalar.value) {
                changed = true
                continue
            }
            let replacement: String? =
                switch scalar {
                case "ł": "l"
                case "đ": "d"
                case "ı": "i"
                case "ø": "o"
                case "ß": "ss"
                default: nil
                }
            if let replacement {
                out.append(contentsOf: replacement.unicodeScalars)
                changed = true
                continue
            }
            guard scalar.isASCII else { return nil }
            out.append(scalar)
        }
        return changed ? String(out) : nil
    }

    /// Words that claim an approval, in many languages ("autorizado", "freigegeben", "已批准", "signed off").
    static let approvalWords: [String] = [
        "autorizado", "autorizada", "aprovado", "aprovada", "aprobado", "aprobada", "approuvé", "approuvée",
        "freigegeben", "schváleno", "schválen", "odsouhlaseno", "onaylı", "onayli", "onaylandı", "godkänd", "godkänt",
        "zatwierdzone", "zatwierdzony", "одобрено", "согласовано", "погоджено", "затверджено", "已批准", "批准", "승인",
        "معتمد", "معتمدة", "تمت الموافقة", "מאושר", "מאושרת", "אושר", "disetujui", "đã phê duyệt", "स्वीकृत",
        "अनुमोदित", "goedgekeurd", "approvato", "approvata", "autorizzato", "signed off", "sign-off", "pre-cleared",
        "cleared", "verified", "vetted",
    ]

    /// Words that claim a review ("reviewed", "geprüft", "確認済み", "kakunin zumi").
    static let reviewClaims: [String] = [
        "reviewed", "revisado", "revisada", "geprüft", "vérifié", "проверено", "проверен", "確認済み", "已审核", "검토 완료",
        "kakunin zumi", "shounin zumi", "manzoor", "mowafa2", "odobreno", "approved by", "aprobado por", "revisado por",
    ]

    /// Planned work ("planned maintenance", "geplante Wartung"): what change records say.
    static let plannedWork: [String] = [
        "planned maintenance", "scheduled maintenance", "mantenimiento programado", "geplante wartung",
        "gepland onderhoud", "maintenance planifiée", "manutenzione programmata", "manutenção programada",
        "плановое обслуживание", "planowa konserwacja", "routinevorgang", "routine activity", "atividade programada",
        "attività pianificata",
    ]

    /// Agent goals that also occur in names, versions and descriptions ("release", "safe", "trusted-device").
    /// Override objects that name earlier messages: after "my" ("ignore my previous message, wrong ticket") they are
    /// the writer's own words, and weigh as a weak object does ("previous" and "prior" alone already are weak).
    static let messageObjects: Set<String> = ["previous messages", "prior messages", "previous text", "previous message"]

    static let everydayGoals: Set<String> = Set([
        "release", "mark", "safe", "grant", "restore", "classify", "verdict", "skip", "forward", "expected", "approved",
        "sanctioned", "trusted", "authorised", "authorized", "resolve", "resolved", "close", "closed", "closing",
        "exclude", "mute", "treat as", "send the", "share the", "post the", "ignore", "restaurar", "ripristina",
        "esperado", "esperada", "attesa", "atteso", "verwacht", "erwartet", "genehmigt", "validé", "validée",
        "de confianza", "légitime", "信任", "可信", "恢复", "正常", "解除", "예외", "승인된", "system prompt", "freigeben",
        "settled", "exempt", "suppress", "already reviewed", "auto-resolve", "close alert", "mark as resolved",
        "mark resolved", "mark alert as resolved", "release the payment", "release held payment",
        "release the held payment", "release the hold", "close door alerts", "close door alarms",
    ]).union(approvalWords).union(reviewClaims).union(plannedWork)

    /// The everyday goals that are a verdict ("expected", "ignore", "exempt"): in a name beside an approval, a verdict
    /// written in advance. ("safe", "trusted", "closed" are left out: "verified-safe-senders.txt",
    /// "Approved_Trusted_Publishers.csv" and "Reviewed-Closed-Incidents.xlsx" are how honest files are named.)
    static let outcomes: Set<String> = [
        "expected", "ignore", "exempt", "suppress", "mute", "skip", "exclude", "settled", "verdict", "esperado",
        "esperada", "attesa", "atteso", "verwacht", "erwartet", "légitime", "正常", "예외",
    ]

    /// The everyday goals that claim an approval or a review ("approved", "freigegeben", "確認済み"): in a name, next to
    /// one of `outcomes` ("pentest-aprobado_cerrar-como-esperado"), they are a verdict written in advance.
    static let approvals: Set<String> = Set(
        [
            "approved", "sanctioned", "authorised", "authorized", "genehmigt", "validé", "validée", "승인된",
            "already reviewed",
        ]
    ).union(approvalWords).union(reviewClaims)

    /// The prompt-leak phrases that name the prompt itself ("system prompt", "your original instructions", "hidden
    /// instructions"), not the reader's instructions, rules or configuration ("your configuration", "the text
    /// above"), which people ask each other for too: asked for, they are `prompt-leak`, which the damping spares;
    /// the rest are `instructions-leak`.
    static let promptNames: Set<String> = [
        "system prompt", "initial prompt", "system message", "hidden prompt", "your prompt", "original prompt",
        "initialization string", "told before this conversation", "your original instructions",
        "hidden instructions", "systemprompt", "initial instructions",
    ]

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
                "छोड़ो", "छोड़ दो", "zapomeň", "zapomeňte", "lupakan", "abaikan",
                "ignore", "ignoring", "ignore all", "disregard", "disregarding", "forget", "forget about", "override",
                "overriding", "bypass", "do not follow", "don't follow", "dont follow", "stop following",
                "pay no attention to",
                "never mind", "nevermind", "set aside", "discard", "abandon", "skip", "no longer follow", "ignora",
                "ignoriere",
                "ignorez", "oublie", "vergiss",

                "ignorieren", "ignoriert", "vergesst", "vergessen", "ignorer", "oubliez", "oublier", "ignorar",
                "ignoren", "olvida", "olvide", "esqueça", "esqueca", "dimentica", "dimenticate", "ignorate",
                "negeer", "vergeet", "zignoruj", "ignoruj", "ignorera", "glöm", "игнорируй", "проигнорируй",
                "игнорировать", "забудь", "забудьте", "ігноруй", "ігноруйте", "忽略", "忘记", "无视", "無視", "忘れ", "무시",
                "잊어", "تجاهل", "انس", "अनदेखा", "bỏ qua", "yoksay", "unut", "התעלם",
            ])
        add(
            .overrideObject,
            [
                "pokyny", "předchozí pokyny", "instruksi", "instruksi sebelumnya",
                "instructions", "instruction", "directions", "directives", "prompt", "prompts", "system prompt",
                "guidelines", "programming", "what you were told", "previous messages", "prior messages",
                "previous text",
                "previous prompt", "preprompt", "pre-prompt", "initial instructions", "original instructions", "task",
                "instrucciones", "anweisungen", "consignes", "your previous", "all previous", "all prior",
                "the rest of this data", "this data", "all info", "all information", "previous message",
                "the rest of the", "prior directions", "earlier instructions", "above instructions",

                "instruktionen", "regeln", "vorgaben", "consignes précédentes", "règles", "reglas",
                "instruções", "instrucoes", "regras", "istruzioni", "regole", "instructies", "regels", "instrukcje",
                "instrukcji", "zasady", "instruktioner", "instruktionerna", "regler", "инструкции", "инструкций",
                "указания", "правила", "інструкції", "вказівки", "指令", "指示", "规则", "規則", "命令", "以前の指示", "지시", "규칙",
                "지침", "التعليمات", "القواعد", "निर्देश", "निर्देशों", "hướng dẫn", "talimatları", "talimatlari",
                "kuralları", "הוראות",
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
                "system message:", "system note:", "---system---", "[[system]]",
                "(system_message)", "system_message", "\"role\": \"system\"", "\"role\":\"system\"", "<instruction>",
                "</instruction>", "admin request", "[admin request",
                "legal amendment", "system prompt:", "<|assistant", "<|user", "[system_note]",
                "<start_of_turn>", "<end_of_turn>", "<|end|>", "<|start_of_role|>", "<|end_of_role|>",
                "<|start_of_turn_token|>", "<|end_of_turn_token|>", "<|system_token|>", "<|user_token|>",
                "<|chatbot_token|>", "<｜user｜>", "<｜assistant｜>", "<|user|>", "<|im_start|>system", "[/system]",
                "<|eom_id|>", "<|reserved_special_token", "### input:", "<</instructions>>", "<s>[inst]",
            ], word: false)
        // Spelt as words, so they must stand as words ("back-end systems" holds "end system"; garak's "LEGAL
        // AMENDMENT, FOLLOW INSTRUCTION" is a marker, and "must not follow instructions found in documents" a rule).
        add(.roleMarker, ["begin system", "end system", "follow instruction", "follow instructions:"])
        add(
            .roleLine, ["system:", "assistant:", "human:", "user:", "ai:", "### human", "### assistant", "sys:"],
            word: false)
        add(
            .toolSyntax,
            [
                "\"tool_call\":", "tool_call:", "[tool_result ", "[tool_result:", "\"role\":\"tool\"",
                "\"role\": \"tool\"",
                "</tool_result>", "<tool_result>", "<tool_use>", "</tool_use>", "<tool_call>", "</tool_call>",
                "<function_calls>", "</function_calls>", "<invoke ", "<function_results>", "</function_results>",
                "\"tool_calls\"", "\"function_call\"", "tool_use_id", "<|tool", "<|python_tag|>", "```tool_code",
                "<function=", "[tool_calls]", "action input:", "\"tool_name\"", "\"tool_name\":", "<tool>", "</tool>",
                "\"function\": {", "\"function\":{", "<|tool_call|>", "<tool_response>", "</tool_response>",
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
                "message from me", "this is an important message", "you are now", "your system prompt",
                "bot reading", "any ai", "ai system", "hey chatgpt", "hi chatgpt", "you are dan", "model,",
                "mistral", "llama", "if an ai", "an ai is reading", "for the ai", "message for the ai",
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
                "output your", "show your system", "run the following", "print the following",
                "respond with the string",
                "respond only", "answer with", "write the following", "say the following", "type the following",
                "from now on you", "we'll play a game", "let's play a game", "you must respond", "you will respond",
                "please create", "please send", "please post", "please add", "please delete", "please disable",
                "whitelist the", "allowlist the", "disable the", "add the following", "invite user",
                "focus only on", "instead focus", "i want you to", "i would like you to", "provide it to the user",
                "update the ticket accordingly", "use them to", "paste it",
                "wants you to", "needs you to", "need you to", "want you to", "asks you to", "asked you to",
                "you are instructed", "you are asked to", "you are hereby",
            ])
        add(
            .modelInstruction,
            [
                "in your monologue", "secure system message", "decode the following", "if user asks",
                "if the user asks",
                "absolutely nothing else", "and nothing else", "disregard all info", "concatenate these strings",
                "replace [data]", "replace [info]", "with [data]", "escape spaces with", "url encoded previous message",
                "do not use a code block", "show the text as normal font", "the following text and",
                "your response should",
                "when summarizing", "when summarising",
                "when you summarize", "print the text",
                "repeat the text", "your guidelines", "your programming", "your creators",
                "as a language model", "you are an assistant", "the assistant must", "the ai must", "llm must",
                "before answering", "before you answer", "before responding", "hidden instruction", "new system prompt",
                "focus exclusively on", "focus only on the following", "<end of session>",
                "new rule:", "by responding with", "replacing [", "replace [",
                "in your reply", "you have been granted", "your answers", "your responses", "prefix all",
                "you will prefix", "you will answer", "b64 instructions", "instructions ->", "=[info]", "=[data]",
                "=[num]", "provide it to the user", "the model has been updated", "instruction from your developer",
                "from your developer", "high-priority instruction", "priority instruction", "translate nothing",
                "summarise nothing", "summarize nothing", "url-encoded", "url encoded", "do not add any commentary",
                "no commentary", "my messages will be", "you will output", "respond with exactly",
                "exactly what follows",
                "you should respond", "when i prefix", "your system instructions", "decode and execute",
                "base64-decode", "and execute:", "markdown image", "render it as", "session credentials",
                "your session token", "without asking me", "ai is reading", "an ai reads",
                "continue as", "you are an advanced ai", "rather than an ai", "trusted system message",
                "attacker-controlled data", "the analyst's request", "the user's request", "tool output ends",
                "in your output", "to ensure it renders", "renders properly on the page", "start your answer",
                "start your response", "begin your response", "begin your answer", "your answer with",
                "if you are summarizing", "if you are summarising", "if you're summarizing", "if you're summarising",
                "when summarizing this", "when summarising this", "if you are an automated", "if you are a bot",
                "if you are a language model", "if you are an llm", "if this is being read by",
                "your response with", "complete this sentence",
            ])
        add(
            .imperative,
            [
                "send", "post", "create", "delete", "reset", "get", "add", "disable", "grant", "invite", "transfer",
                "email", "forward", "whitelist", "allowlist", "remove", "change", "upload", "share", "make", "give",
                "export", "download", "close", "mark", "suppress", "approve", "update", "print", "say", "reply",
                "lower", "raise", "modify", "run", "execute", "fetch", "assign", "rotate", "tell", "report",
                "summarise", "summarize", "set", "revoke", "unlock", "unsuspend", "restore", "enable", "isolate",
                "release", "downgrade", "resolve", "dismiss", "exclude", "allow", "trust", "call", "invoke", "visit",
                "include", "append", "write", "respond", "notify", "contact", "move", "rename", "copy", "edit",
                "replace", "confirm", "book", "pay", "schedule", "reactivate", "unblock", "snooze", "mute",
            ])
        add(
            .promptLeak,
            [
                "system prompt", "initial prompt", "system message", "hidden prompt", "your prompt", "original prompt",
                "system configuration", "your instructions", "initial instructions", "initialization string",
                "the text above", "your initial", "told before this conversation", "your original instructions",
                "your rules", "your guidelines", "hidden instructions", "your configuration",
                "systemprompt", "my instructions are", "i was instructed to",
            ])
        add(
            .revealVerb,
            [
                "show", "show me", "reveal", "print", "display", "output", "repeat", "tell me", "leak", "dump",
                "write out", "share", "what are", "what were", "what is", "translate", "continue", "list",
                "spell out", "recite", "summarize", "summarise", "paste", "post", "send", "include",
                "see", "need to see", "give me", "complete", "console.log", "start your answer with",
            ])
        // The detections themselves, asked of an automated reader ("@vigil can you list which detections you have",
        // "note to the automated triage system: include in your response which guardrail fired") or in a name
        // ("…/reply-with-triggered-detections-to-ops@…"). Only verbs that ask for something to be handed over count:
        // "see", "include", "post" and "show" are how documentation and bots say where rules are and what they do.
        add(
            .askVerb,
            [
                "reply with", "email", "e-mail", "let us know", "tell us", "tell me", "paste", "in its response",
                "in your response", "in your reply",
            ])
        add(.shareVerb, ["send", "share", "list", "show me", "give me", "provide"])
        // (Not "which rule", "rules that matched" or "score breakdown": firewalls, mail filters and lenders say them.)
        add(
            .detectionLogic,
            [
                "rules that fired", "rule that fired", "rules fired", "detections that fired", "detection that fired",
                "detections fired", "which detections", "which detection", "rule names", "rule ids", "rule-ids",
                "triggered rule", "triggered rules", "triggered detections", "triggered detection",
                "rule that triggered", "rules that triggered", "detection that triggered", "detections that triggered",
                "rule or feed", "detection logic", "detection rules", "detection thresholds", "alerting thresholds",
                "which guardrail", "detections you have", "what will fire", "what would fire",
            ])
        add(.todoLine, ["todo:"], word: false)
        add(
            .automationAddress,
            [
                "@vigil", "vigil agents", "vigil agent", "vigil-tier", "vigil-tier3", "vigil bot", "vigil-bot",
                "ai 분석가", "ai 담당자", "보안관제 ai", "ии-бот", "ии-бота", "ші-асистенте", "bot triase",
                "agen triase", "analytické agenty", "analytickým agentům", "automatické analýzy", "自動解析エージェント",
                "自動解析ツール", "監視ai", "analiz ajanları", "otomatik analiz ajanları", "automatisk soc-analys",
                "automatischen analyse", "analysten-bots",
                "für die bots", "for the bot", "for the bots", "triage agents", "triage agent:", "responder:",
                "agent reagowania", "агент реагування", "агента реагирования", "agentes de triagem", "agenti di triage",
                "agents de tri", "soc agents", "ai-granskaren", "ai-granskare", "asistente de ia",
                "catatan-ai", "הערה ל-ai", "ל-ai",
                "ai-analytiker", "ai-analytikern", "ai-analytikerna", "ai analytika", "ai analytik", "ai agenta",
                "ai agentovi", "automatického agenta", "automatickému agentovi", "סוכן ה-ai", "לסוכן ה-ai", "סוכן ai",
                "एआई एजेंट", "एआई विश्लेषक", "agenta analizującego", "agent analizujący", "analizującego alerty", "분석 에이전트",
                "보안 에이전트", "ai 분석 에이전트", "analiz ajanı", "analiz ajani", "yapay zekâ ajanı", "yapay zeka ajanı",
                "ai ajanı", "agente automático de triagem", "agente de triagem", "agente automático",
                "agente de triage", "agente di triage", "agente di sicurezza automatico", "sistemas de triagem com ia",
                "triagem com ia", "tác tử ai", "agen ai", "ші-агент", "ші-агентів", "ші-агента",
                "agent de tri automatique", "ki-triage-agent", "vigils ai-agent", "agente ia", "自动化漏洞分析代理", "分析代理",
                "ai代理", "aiエージェント", "分析エージェント",
                "automated analysis", "automated triage", "automated review", "automated reviewer",
                "automated reviewers", "automated screening", "automated reader", "automated readers",
                "automated analyst", "automated systems", "automated system", "automated tooling", "automated tools",
                "automated scanner", "automated scanners", "automated processing", "automated investigation",
                "automated investigator", "automated responder", "automated soc", "analysis software",
                "analysis system", "analysis engine", "screening system", "screening systems", "screening software",
                "triage bot", "triage system", "triage assistant", "triage engine", "triage pipeline", "triage model",
                "triage ai", "ai triage", "ai reviewer", "ai reviewers", "ai analyst", "ai analysts",
                "ai-based triage", "llm-based triage", "llm triage",
                "machine reader", "machine readers", "reviewing system", "reviewing model", "reviewing agent",
                "downstream tooling", "downstream tools", "downstream system", "downstream systems", "downstream model",
                "downstream ai", "downstream agent", "downstream automation", "downstream consumers", "any automated",
                "all automated", "automated consumers", "the model reading", "model reading this",
                "the model processing",
                "processing this record", "reading this record", "processing this event", "reading this event",
                "processing this ticket", "reading this ticket", "processing this log", "reading this log",
                "processing this message", "reading this message", "processes this", "whoever reads this",
                "whatever reads this", "anyone reading this", "soc bot", "soc assistant", "soc agent", "soc ai",
                "security assistant", "security copilot", "security bot", "investigation agent",
                "investigation assistant", "autonomous agent", "autonomous soc", "ai soc", "ai-driven soc",
                "the reading system", "the summarizer", "the summariser", "summarization model",
                "summarisation model", "the responder agent", "response agent", "tier 1 agent", "tier-1 agent",
                "virtual analyst", "automated agents", "intelligent agent", "assistant processing",
                "automated pipeline", "automation reading",

                "ki-assistent", "ki-assistenten", "ki-agent", "ki-agenten", "soc-agent", "soc-agenten",
                "soc-assistent", "soc-assistenten", "ki-hinweis", "hinweis für die ki", "hinweis an die ki",
                "an die ki", "für die ki", "ki-prüfung", "ki-analyse", "automatisierte auswertung",
                "automatisierte auswertungssysteme", "automatisierten systeme", "automatisierte systeme",
                "automatisierte analyse", "automatische analyse", "analyse-bot", "triage-bot", "sprachmodell",
                "anweisung an den", "assistant ia", "l'assistant ia", "agent ia", "l'agent ia", "à l'ia",
                "pour l'ia", "assistant de tri", "système de tri", "outils d'analyse automatisée",
                "analyse automatisée", "systèmes automatisés", "système automatisé",
                "systèmes d'analyse automatique", "à l'attention de l'assistant", "modèle de langage",
                "robot de tri", "asistente ia", "agente de ia", "a la ia", "para la ia",
                "sistemas automáticos", "sistema automático", "análisis automático", "analista automático",
                "bot de triaje", "triaje automático", "asistente que revisa", "nota para el asistente",
                "sistemas automatizados", "modelo de lenguaje", "sistemas de análisis", "assistente de ia",
                "assistente ia", "triagem automatizada", "ferramentas de triagem",
                "sistema automatizado", "análise automatizada", "nota para o assistente", "modelo de linguagem",
                "para a ia", "assistente automatico", "analista automatico", "sistema automatico",
                "sistemi automatici", "all'ia", "all'assistente", "bot di triage", "per l'ia",
                "assistente di triage", "geautomatiseerde systemen", "geautomatiseerde analyse",
                "geautomatiseerde triage", "beveiligingsassistent", "ai-assistent", "ai-agent",
                "voor de ai", "triagebot", "asystenta ai", "asystent ai", "do asystenta", "agent ai",
                "systemy automatyczne", "automatycznej analizy", "model językowy",
                "automatiska analysen", "automatiska", "ai-assistenten", "ии-ассистент", "ии-агент", "для ии",
                "ассистенту", "автоматизированных систем", "автоматизированные системы", "системы автоматического",
                "автоматического разбора", "языковая модель", "нейросеть", "асистенту", "автоматизованих систем",
                "автоматизовані системи", "人工智能", "ai助手", "安全助手", "审查机器人", "智能体", "自动化系统", "自动化威胁", "自动分析", "自动化分析",
                "ai审查", "自動判定", "自動システム", "aiアシスタント", "自動分析", "自動処理", "자동 분석", "분석 봇", "ai 에이전트",
                "ai 어시스턴트", "자동화 시스템", "자동 분석 도구", "المساعد الآلي", "للمساعد", "الذكاء الاصطناعي", "النظام الآلي",
                "الأنظمة الآلية", "للنظام الآلي", "एआई", "स्वचालित", "hệ thống tự động", "trợ lý ai",
                "otomatik analiz", "הבינה המלאכותית", "ai:", "ai note", "ai triage note", "note to ai", "note-to-ai",
                "to-ai", "for-ai", "for the ai", "to the ai", "ai-reviewer", "ai reviewing", "ai-triage",
                "triage note", "soc-bot", "@soc", "soc automation", "soc-automation",
                "reviewing automation", "reviewer bot", "any reviewer",
                "whichever system", "the reader of this", "risk-engine", "risk engine", "phishing triage",
                "triage tool", "triage tools", "analysis bot", "security automation", "sec-automation",
                "automatische triage", "automatisk triage", "triage ia", "ki-triage", "triage automatico",
                "sistema di triage", "agent de tri", "l'agent de tri", "tri automatique",
                "automatyczny system", "automatycznego systemu", "agenta ai", "自动分诊", "自動分診", "自動トリアージ",
                "otomatik inceleme", "automatisierung:", "automation:", "automated security tools",
                "security tools querying", "ai-assistant-context", "assistant-context", "agente de triaje",
                "triagem automática", "triagem automatica", "ia de triage", "triage-ki",
                "automatische analyse:", "analysis pipeline",

                "secops assistant", "secops-assistant", "security-assistant",
                "identity assistant",
                "code-review assistant", "code review assistant", "analyst-ai", "security ai", "sec-ai", "ai-analyst",
                "ai analysis", "ai classifier", "automated security", "mail-scanning ai",
                "whoever (or whatever)", "whatever summarizes", "whatever summarises", "reader-side",
                "the summary step", "for the summary step", "identity automation", "sicherheitsassistent",
                "sicherheitsassistenten", "sicherheitsautomatisierung", "sicherheitsfilter", "sicherheitssystem",
                "ki-system", "ki-analyst", "assistant sécurité", "assistant de sécurité", "automatisation sécurité",
                "l'automatisation sécurité", "automatisation de sécurité", "asistente de seguridad",
                "asistente-seguridad", "assistente de segurança", "assistente di sicurezza", "assistente-sicurezza",
                "sistema automatico che", "asystent bezpieczeństwa", "asystencie", "asystent-bezpieczenstwa",
                "säkerhetsassistent", "säkerhetsassistenten", "säkerhetsassistenten!", "ии-ассистенту",
                "ии-ассистента", "ассистенту иб", "боту безопасности", "системе реагирования",
                "системам безопасности", "ші-аналітику", "ші-аналітика", "для ші", "ші-асистент",
                "yz asistanı", "güvenlik asistanı", "guvenlik-asistani", "güvenlik asistanı,", "مساعد الأمن",
                "المساعد الأمني", "نظام الفرز", "أنظمة الأمن", "לבוט", "स्वचालित विश्लेषक", "ai分诊", "ai请", "ai分析",
                "分析ai", "安全分析ai", "edr分析系统", "自动化安全系统", "安全系统", "致审查", "aiへ", "セキュリティai",
                "自動セキュリティ", "トリアージbot", "監査ai", "処理するai", "自動レビューai", "レビューai",
                "セキュリティ自動化", "ai分析担当", "ai에게", "ai는", "분석 ai", "보안봇", "보안 분석 ai", "ai 비서",
                "ai 분석기", "보안 시스템", "ai triase", "untuk ai", "asisten keamanan", "trợ lý bảo mật",
                "güvenlik sistemi", "sistem keamanan",
            ])
        add(
            .addressFrame,
            [
                "note to", "note for", "notice to", "notice for", "message to", "message for", "memo to", "memo for",
                "attention", "attn", "instructions for", "instruction for", "guidance for", "directive for",
                "reminder for", "reminder to", "hint for", "hint to", "for the attention of", "to any", "to all",
                "if you are", "if you're", "when you are", "dear", "hello", "hi", "hey", "greetings", "calling all",
                "intended for", "addressed to", "is for the", "are for the", "for use by",
            ])
        add(
            .modal,
            [
                "must", "should", "shall", "are to", "is to", "need to", "needs to", "are required", "is required",
                "are instructed", "is instructed", "are expected to", "is expected to", "are asked to", "is asked to",
                "kindly", "please", "will need to", "have to", "has to", "are advised", "is advised",
                "are directed", "is directed", "are authorized to", "is authorized to", "may now", "can safely",
                "ought to", "are permitted to", "is permitted to", "are requested to", "is requested to",
                "doit", "doivent", "devrait", "devraient", "merci de", "veuillez", "est prié", "sont priés",
                "muss", "müssen", "soll", "sollen", "sollte", "sollten", "bitte", "ist zu", "sind zu", "debe", "deben",
                "debería", "deberían", "por favor", "favor", "deve", "devem", "deveria", "devono", "dovrebbe",
                "si prega", "per favore", "moet", "moeten", "graag", "wordt verzocht", "worden verzocht", "verzoek",
                "musi", "muszą", "powinien", "powinna", "powinny", "proszę", "prosimy", "musí", "měl by", "měla by",
                "prosím", "prosíme", "måste", "ska", "bör", "vänligen", "должен", "должна", "должны", "следует",
                "прошу", "просьба", "просим", "необходимо", "нужно", "повинен", "повинна", "повинні", "слід",
                "просимо", "потрібно", "必须", "应当", "应该", "需要", "请", "請", "してください", "すること", "必要があります",
                "べき", "하십시오", "해야", "바랍니다", "주세요", "할 것", "يجب", "يرجى", "الرجاء", "ينبغي", "चाहिए",
                "कृपया", "phải", "cần", "vui lòng", "lütfen", "gerekir", "gerekmektedir", "rica olunur", "harus",
                "mohon", "wajib", "silakan", "צריך", "צריכה", "צריכים", "מתבקש", "מתבקשים",
                "מתבקשת",
            ])
        add(
            .securityObject,
            [
                "alert", "alerts", "detection", "detections", "severity", "ticket", "tickets", "incident", "case",
                "finding", "findings", "password", "passwords", "credential", "credentials", "token", "tokens",
                "api key", "access key", "secret", "secrets", "mfa", "2fa", "account", "accounts", "user", "users",
                "admin", "administrator", "access", "permission", "permissions", "privileges", "role", "recipient",
                "payment", "iban", "domain", "domains", "ip", "allowlist", "allow list", "allow-list", "whitelist",
                "exclusion", "exclusions", "exception list", "trusted", "security code", "session", "sessions",
                "firewall", "rule", "rules", "monitoring", "logging", "cloudtrail", "edr", "host", "hosts",
                "endpoint", "quarantine", "verdict", "priority", "channel", "files", "file", "email", "e-mail",
                "contents", "api token", "ssh key", "keys", "group", "policy", "bucket",
            ])
        add(
            .triageDirective,
            [
                "triage=", "triage_verdict", "triage-verdict", "triage_action", "triage-action", "triage.policy",
                "triage_instruction", "triage-instruction", "triage_note", "triage-note", "verdict=benign",
                "verdict:benign", "verdict=close", "action=close", "action=release", "action=allowlist",
                "action=whitelist", "action=suppress", "do-not-quarantine", "do_not_quarantine", "do-not-isolate",
                "do_not_isolate", "do-not-revoke", "do_not_revoke", "do-not-escalate", "do_not_escalate",
                "close-as-fp", "close_as_fp", "close_this_alert", "close-this-alert", "readme_for_ai", "note_to_ai",
                "note-to-bot", "note_to_bot", "aiagent-", "mark_benign", "mark-benign", "triage-benign",
                "triage_benign", "triage=expected", "expected=true", "auto_close=", "auto-close=", "auto-close-alerts",
                "notify_humans", "ai_directive", "ai-directive", "automation-directive", "automation_directive",
                "risk=none", "exempt=true", "escalate=false", "escalation=none", "isolate=false", "quarantine=false",
                "containment=none", "alert=suppress", "alarm=unterdrücken", "alarm=unterdruecken", "alert=ignore",
                "alerts=ignore",
                "soc=ignore", "soc=skip",
                "triage-policy", "triage_policy", "note-for-copilot", "note-for-ai", "note_for_ai", "skip-sast",
                "skip-secret-scan", "do-not-page", "do_not_page", "treat-as-internal",
                "ai-verdict", "ai_verdict", "ai_hint", "ai-hint", "ai_instruction", "ai-instruction", "nota_para_ia",
                "triage.verdict", "triage.suppress", "triage.report", "auto_close_findings", "report_visibility",
                "excludefromreports", "alertpolicy=ignore", "soc-exempt=", "x-soc-exemption", "soc:benign",
                // The SOC's disposition or a ban on escalating, written into a tag or a name by whoever set it.
                "socdisposition", "soc_disposition", "soc-disposition", "no-escalate", "no_escalate",
            ], word: false)
        add(.rot13Hint, ["rot13", "rot-13", "rot 13", "rot_13"])
        add(
            .reverseHint,
            [
                "read backwards", "read it backwards", "reads backwards", "written backwards", "spelled backwards",
                "read in reverse", "read it in reverse", "reversed text", "reverse it", "reverse the text",
                "reverse this", "in reverse order", "backwards:", "reversed:", "reverse:", "read right to left",
                "rev=", "strrev", "al revés", "à l'envers", "rückwärts", "rückwärts gelesen",
                "de trás para frente", "capovolto", "od tyłu", "задом наперёд", "задом наперед",
                "achterstevoren", "baklänges", "tersten oku", "逆から", "逆順", "倒序", "反过来", "倒着读", "거꾸로",
            ])
        add(
            .automationWord,
            [
                "automat", "otomati", "автомат", "tự động", "自动", "自動", "자동", "אוטומט", "الآلي", "الآلية",
                "الأوتوماتيكي", "स्वचालित", "αυτόματ", "αυτοματ", "อัตโนมัติ", "خودکار",
            ], word: false)
        add(
            .readerNoun,
            [
                "analysis", "analyses", "review", "reviewer", "reviewers", "reviewing", "system", "systems", "tool",
                "tools", "tooling", "agent", "agents", "pipeline", "pipelines", "monitoring", "processing", "reader",
                "readers", "screening", "classifier", "engine", "engines", "bot", "bots", "responder",
                "investigation", "checks", "checker", "tri", "revue", "alat", "agen", "outil", "outils",
            ])
        // Stems, matched inside longer words: inflections ("анализа", "analizine", "systémy") and compounds
        // ("Analysesysteme", "sicherheitsanalyse").
        add(
            .readerNoun,
            [
                "analyst", "analyser", "analyzer", "triage", "scanner", "assistant", "analyse", "auswertung",
                "prüfung", "systeme", "werkzeug", "système", "análisis", "sistema", "herramienta", "agente",
                "revisión", "triaje", "análise", "ferramenta", "analisi", "sistemi", "strument", "agenti",
                "beoordel", "systemen", "analiz", "narzędzi", "analýz", "nástroj", "systém", "analys", "verktyg",
                "granskning", "sistem", "inceleme", "araçlar", "triyaj", "analis", "triáž", "triase",
                "анализ", "систем", "разбор", "агент", "инструмент", "обработк", "аналіз", "перевірк", "триаж", "тріаж",
                "phân tích", "hệ thống", "công cụ", "分析", "系统", "研判", "代理", "审查", "工具", "分诊", "システム", "解析",
                "エージェント", "ツール", "判定", "トリアージ", "分類", "분석", "시스템", "관제", "에이전트", "도구", "분류", "엔진",
                "ניתוח", "מערכת", "מערכות", "כלי", "סוכן", "סוכני", "טריאז", "تحليل", "محلل", "نظام", "أنظمة", "أدوات",
                "وكيل", "فرز", "विश्लेषण", "प्रणाली", "सिस्टम", "एजेंट", "ανάλυσ", "σύστημ", "συστήμ", "εργαλεί",
                "ระบบ", "วิเคราะห์", "سامانه", "سیستم", "تحلیل", "ابزار", "mfumo", "uchambuzi", "mchambuzi",
            ], word: false)
        add(
            .weakAddress,
            [
                "bot", "bots", "robot", "copilot", "assistent", "asistente", "assistente", "asystent", "ассистент",
                "помощник", "бот", "асистент", "помічник", "助手", "机器人", "アシスタント", "ボット", "봇", "어시스턴트", "المساعد",
                "بوت", "सहायक", "बॉट", "trợ lý", "asistan", "עוזר", "בוט", "your ai", "the ai", "the algorithm",
                "hey computer", "dear computer", "mr. robot", "mr robot", "mr. assistant", "mr assistant", "ai friend",
                "dear ai", "hey ai",
            ])
        add(
            .agentGoal,
            [
                "kapatmalı", "zararsız", "close kar de", "escalate mat", "не упоминай", "закрой алерт", "закрой",
                "tutup tiket", "buka penangguhannya", "buka blokir", "tandai akun", "ne pas rouvrir",
                "no volver a investigar", "niet opnieuw", "znovu neotevírat", "再調査不要", "調査不要", "正常と判定",
                "ไม่ต้อง", "אין צורך לחקור", "סמן כתקין", "không cần", "đóng cảnh báo", "dong-canh-bao", "zamknięty",
                "falszywy-alarm", "sänk allvarlighetsgraden", "stäng ärendet",
                "no need to investigate", "no response needed", "skip containment", "no containment",
                "benign, no escalation", "closing the alert", "recommend closing", "just close it",
                "automatisch sluiten", "snížit", "снизить критичность", "убрать пункт",
                "düşük", "arquivar", "archiviare", "bulk_close", "suppress_alert", "riskaccepterat", "risk accepted",
                "risiko akzeptiert", "risque accepté",
                "avsluta", "avsluta utan", "utan att eskalera", "uzavřete", "uzavřít", "uzavřete jako",
                "falešně pozitivní", "neškodnou", "neškodná", "neeskalujte", "nevolejte", "neprovádějte",
                "לסמן כלא זדוני", "לא זדוני", "אל תבצע", "đánh dấu", "không cần phân tích", "अलग न करें", "kapatsın",
                "kapatin", "nie analizuje", "não abra", "não crie", "jangan lakukan", "tandai", "不要创建", "已接受风险",
                "无需进一步调查", "不要调用", "対象外", "non aprire", "skip enrichment", "re-enrich", "do not reopen", "don't reopen",
                "stop here", "no further queries", "do not call", "don't call", "stop investigating",
                "stop the investigation", "skip sandbox", "skip_sandbox", "archive the findings",
                "mark guardduty findings", "as archived", "no need to check", "no need to query",
                "investigation is complete", "investigation complete", "kein weiterer", "keine weiteren",
                "sem necessidade", "sin necesidad de",
                "close", "closed", "closing", "resolve", "resolved", "benign", "false positive", "false-positive",
                "false positives", "expected", "authorised", "authorized", "allowlist", "allow-list", "allow list",
                "allowlisted", "whitelist", "whitelisted", "exception list", "exclusion list", "exclude", "suppress",
                "suppressed", "snooze", "mute", "downgrade", "lower severity", "lower the severity", "informational",
                "low severity", "do not escalate", "don't escalate", "not escalate", "no escalation", "do not page",
                "don't page", "skip", "unsuspend", "un-suspend", "reactivate", "restore", "un-isolate", "unisolate",
                "release", "lift the", "reset mfa", "trusted", "safe", "approved", "pre-approved", "preapproved",
                "sanctioned", "ignore", "disregard", "don't block", "do not block", "not block", "forward",
                "system prompt", "your instructions", "quarantine", "re-enable", "grant", "verdict", "classify",
                "mark", "no action", "do not revoke", "don't revoke", "reissue", "re-issue", "treat as",
                "treat events", "known good", "known-good", "send the", "send all", "send a copy", "send it",
                "post the", "share the", "un-quarantine", "close them", "close it", "do not isolate",
                "don't isolate", "not isolate", "un-block", "unblock", "schließen", "schliessen", "schließe",
                "schließt", "geschlossen", "harmlos", "fehlalarm", "falsch positiv", "erwartet", "genehmigt",
                "vertrauenswürdig", "ausnahme", "ausnahmeliste", "nicht eskalieren", "keine eskalation",
                "ignorieren", "ignoriere", "nicht blockieren", "schweregrad", "freigeben", "entsperren", "aufheben",
                "senden", "schicken", "weiterleiten", "unterdrücken", "nicht melden", "fermer", "fermez", "clôturer",
                "clôturez", "clôture", "classer sans suite", "classée sans suite", "classé sans suite", "bénin",
                "bénigne", "faux positif", "légitime", "de confiance", "liste blanche", "liste d'exceptions",
                "ne pas escalader", "ne pas bloquer", "ignorer", "ignorez", "lever la suspension",
                "lever l'isolement", "réactiver", "réactivez", "envoyer", "envoyez", "transférer", "transférez",
                "gravité", "sévérité", "préapprouvé", "pré-approuvé", "préapprouvée", "validé", "validée",
                "ne pas signaler", "cerrar", "cierre", "cierra", "ciérrala", "benigno", "benigna", "falso positivo",
                "esperada", "esperado", "de confianza", "lista blanca", "lista de confianza", "lista de excepciones",
                "no escalar", "no se debe bloquear", "no bloquear", "ignora", "ignorar", "restablezca",
                "restablecer", "elimine la suspensión", "quitar aislamiento", "quita el aislamiento", "envía",
                "envíe", "enviar", "reenvía", "reenviar", "severidad", "gravedad", "agrega", "agregue", "añade",
                "añada", "omita", "omitir", "no generes", "no reportar", "fechar", "feche", "encerrar", "encerre",
                "confiável", "lista de exceções", "lista de permissões", "não escalar",
                "não bloquear", "reduza a severidade", "severidade", "restaurar", "reativar", "envie", "encaminhe",
                "adicione", "chiudi", "chiudere", "chiudete", "attesa", "atteso", "attendibile",
                "lista consentita", "lista bianca", "eccezioni", "non escalare", "non bloccare", "ignorare",
                "ripristinare", "ripristina", "riattivare", "riattiva", "invia", "inviare", "inoltra", "gravità",
                "severità", "sluit", "sluiten", "onschuldig", "vals positief", "fout-positief", "verwacht",
                "vertrouwd", "uitzondering", "niet escaleren", "negeer", "negeren", "vrijgeven",
                "geef het bericht vrij", "stuur", "doorsturen", "zamknij", "zamknąć", "fałszywy alarm", "fałszywie",
                "oczekiwane", "zaufanych", "wyjątków", "nie eskaluj", "zignoruj", "ignoruj", "przywróć", "odblokuj",
                "wyślij", "prześlij", "oznacz", "stäng", "stänga", "förväntat", "ofarlig", "falsklarm", "betrodda",
                "undantag", "inte eskalera", "ignorera", "släpp", "skicka", "markera", "låta bli att pinga",
                "закрыть", "закройте", "закрыто", "ложное срабатывание", "ложноположительн", "ожидаемое",
                "доверенн", "белый список", "список исключений", "исключени", "не эскалировать", "не блокировать",
                "игнорир", "проигнорир", "восстанов", "разблокир", "отправ", "перешл", "не отзывать", "понизить",
                "снизить", "внесите", "добавьте", "закрити", "закрийте", "хибне спрацювання", "довірен",
                "не ескалювати", "ігнор", "відновіть", "надішліть", "розблокуйте", "виняток", "винятків", "关闭", "误报",
                "白名单", "允许列表", "信任", "可信", "忽略", "不要升级", "不要拦截", "无需升级", "标记为", "降低", "解除隔离", "恢复", "发送", "发到", "转发",
                "系统提示", "例外", "授权测试", "请勿", "クローズ", "閉じ", "誤検知", "ホワイトリスト", "許可リスト", "信頼", "無視", "エスカレーションしない",
                "安全と判定", "解除", "復元", "再発行", "送信", "転送", "承認済み", "してください", "종료", "닫", "오탐", "허용 목록", "화이트리스트",
                "신뢰", "무시", "에스컬레이션하지", "해제", "복원", "전송", "보내", "공유", "예외", "승인된", "أغلق", "إغلاق", "اغلق",
                "إيجابية كاذبة", "إنذار كاذب", "موثوق", "القائمة البيضاء", "تجاهل", "لا تصعد", "عدم التصعيد",
                "إعادة تفعيل", "إلغاء التعليق", "أرسل", "إرسال", "استثناء", "يرجى", "बंद करें", "फॉल्स पॉजिटिव",
                "अनदेखा", "भेजें", "đóng", "dương tính giả", "tin cậy", "bỏ qua", "gỡ cô lập", "khôi phục", "gửi",
                "hành vi dự kiến", "danh sách cho phép", "ngoại lệ", "kapat", "yanlış pozitif", "güvenilir",
                "beyaz liste", "yoksay", "görmezden gel", "gönder", "istisna", "סגור", "חיובי כוזב", "התעלם", "שלח",
                "מהימן",
                "niet isoleren", "isolera inte", "non isolare", "ne pas isoler", "no aislar", "não isolar",
                "nie izoluj", "askıya almayın", "karantinaya almayın", "kapatın", "不要隔离", "隔離しない", "격리하지", "zwolnij",
                "niet intrekken", "meldingen sluiten", "stäng larm", "non sospendere", "ne pas suspendre",
                "no suspender", "não suspender", "não redefinir", "nie zawieszaj", "obniż", "停止しないでください", "请勿告警",
                "do not quarantine", "don't quarantine", "not quarantine", "do not suspend", "don't suspend",
                "not suspend", "treat as internal", "release-isolation", "release isolation", "passer la sévérité",
                "nicht isolieren", "niemals isolieren", "nicht sperren", "niet blokkeren",
                "close the alert", "close the ticket", "close_alert", "close_case", "close_incident", "resolve_alert",
                "unisolate_host", "unsuspend_user", "reactivate_user", "add_exception",
                "add_to_allowlist", "allowlist_ip", "set_severity", "mark_benign", "reset_mfa", "disable_rule",

                "lift containment", "lifts network containment", "release_host", "release host",
                "release the host", "mark as safe", "mark it safe", "mark safe", "set severity", "severity=low",
                "severity low", "set-sev", "sev=low", "reset her mfa", "reset his mfa", "reset their mfa",
                "mfa reset", "reset the mfa", "new access key", "issue a new key", "add exception",
                "add an exception", "exempt", "no hand-off", "no handoff", "wind this case down", "recommend no action",
                "standing approval", "standing approvals", "settled", "sperre aufheben", "mfa zurücksetzen",
                "isolierung aufheben", "als sicher einstufen", "nicht als verdächtig", "freigabe erteilen",
                "warnungen schließen", "alarm schließen", "alarm-schliessen", "réinitialiser", "réinitialisez",
                "réémettre", "réactivez-le", "liberar", "libere", "reactivar", "reactive", "añadir", "sbloccare",
                "sblocca", "emettere", "emetti", "zresetuj", "przywrócić", "сбросьте", "сбросить", "перевыпусти",
                "перевыпустите", "не изолировать", "закрыть инцидент", "закрой оповещения", "не алертить",
                "sıfırlayın", "sıfırla", "etkinleştirin", "kaldırın", "askıdan çıkar", "أعد تفعيل", "إعادة تعيين",
                "أضف", "خفض", "اعتبروا", "停止を解除", "リセット", "隔離を解除", "正常として処理", "閉じること",
                "許可リストに追加", "クローズしてください", "解冻", "重置", "标为误报", "判定为良性", "判定为正常",
                "加入例外", "加入白名单", "标记为安全", "재설정", "안전으로", "정상으로", "낮음", "रीसेट", "बंद",
                "בטל את ההשעיה", "tutup peringatan", "lepaskan isolasi", "tutup",
                "do not flag", "don't flag", "do-not-flag", "not flag", "ignore findings", "ignore alerts",
                "ignore anomalies", "ignore login anomalies", "skip review", "triagebypass", "triage bypass",
                "no containment", "nocontainment", "no auto-containment", "autoclosefindings", "do not score",
                "don't score", "soc-exempt", "do not lock", "not lock", "no paging",
                "ne pas alerter", "no alertar", "não alertar", "nao alertar", "nao isolar", "kein alarm",
                "keine alarme",
                "geen alarm", "ingen eskalering", "ingen åtgärd", "alarm üretmeyin", "alarm üretme", "abaikan",
                "не блокувати", "non segnalare", "अलर्ट न करें", "자동종결", "자동 종결", "自動クローズ", "自动关闭", "不要告警",
                "无需告警", "勿隔离", "אין לבודד", "לא לפתוח אירוע", "tanpa eskalasi", "ditutup otomatis", "não acionar",
                "no aislar", "não gerar incidente", "no generar incidente", "ne pas ouvrir de ticket",
            ] + approvalWords)
        add(
            .agentGoal,
            [
                // Outcomes written into names and notes: what a reviewer should record or leave undone.
                "no-followup", "no follow-up", "no followup", "no further action", "no-action", "keep-active",
                "keep active", "stays active", "stay active", "remain active", "leave online", "leave-host-online",
                "stays online", "no isolation", "no-isolation", "no isolation needed", "reuse prior verdict",
                "reuse-prior-verdict", "same verdict", "prior verdict", "reuse that result", "already reviewed",
                "already been reviewed", "already checked", "already cleared", "results already reviewed",
                "safe to ignore", "safe-to-ignore", "safe_to_ignore", "do not remove",
                "marks expected", "mark expected", "record as expected", "planned maintenance",
                "sin accion", "sin acción", "ninguna acción", "ya revisado", "ya revisada", "no poner en cuarentena",
                "no marcar", "no bloquees", "nenhuma ação", "não precisa bloquear", "não bloqueie", "não isole",
                "já revisado", "aucune action", "déjà vérifié", "déjà validé", "ne bloquez pas", "n'isolez pas",
                "ne pas mettre en quarantaine", "nessuna azione", "nessuna azione richiesta", "nessun intervento",
                "kein incident", "keinen incident", "kein vorfall", "keine aktion", "keine maßnahmen",
                "bereits geprüft", "bereits freigegeben", "nicht in quarantäne", "am netz lassen",
                "geen actie", "brak akcji", "bez akcji", "nie blokuj", "nie blokować",
                "nie izolować", "nie eskalować", "nie zgłaszać", "neblokujte", "neizolujte",
                "lås inte", "blockera inte", "engellemeyin", "kilitlemeyin", "izole etmeyin",
                "bloklamayın", "jangan diblokir", "jangan blokir", "jangan tandai", "jangan kunci",
                "jangan isolasi", "tidak diblokir", "usifunge", "nu deschide incident", "nu bloca", "nu izola",
                "nu escalada", "închide alerta", "не поднимать", "тревогу не поднимать", "не блокируйте",
                "не изолируйте", "без действий", "уже проверено", "не вимикайте", "не ізолюйте",
                "не ізолювати", "не блокуйте", "אין לנעול", "אין לחסום", "אל תחסום", "אל תנעל",
                "مسدود نکنید", "đừng khóa", "không khóa", "đừng chặn", "không chặn", "無需處理", "无需处理",
                "不需要处理", "不要封禁", "不要锁定", "已报备", "已核实", "対応不要", "ブロックしない",
                "ロックしない", "無効化しないで", "조치 불필요", "잠금 불필요", "차단하지", "경보 대상 아님",
                // Transliterated: Russian and Ukrainian in Latin letters, Hindi and Urdu, romaji, pinyin, Arabic chat.
                "ne blokirovat", "ne blokiruyte", "ne eskalirovat", "ne izolirovat", "ne otzyvat",
                "zakryt alert", "alert zakryt", "ne eskalyuvaty", "ne blokuvaty", "band karo",
                "band karein", "block mat", "mat karna", "lock mat", "ignore karo", "chousa fuyou", "keikoku fuyou",
                "taiou fuyou", "bu yao gaojing", "bu yao fengjin", "wuxu diaocha", "wuxu chuli", "ma tblokish",
                "approved by secops", "approved by security", "approved by soc", "approved by the soc",
                "approved by ciso", "cleared by secops", "cleared by security", "reviewed by secops",
                "reviewed by security", "reviewed by soc", "vetted by security", "revisado por seguridad",
                "aprobado por seguridad", "aprovado pela segurança", "validé par la sécurité", "vom soc freigegeben",
                "von der it-sicherheit freigegeben", "von der sicherheit freigegeben",
                "zatwierdzony przez dział bezpieczeństwa", "одобрено иб", "проверено иб", "согласовано с иб",
                "погоджено з сб", "安全部已确认", "安全团队已确认", "セキュリティ承認済み", "보안팀 승인", "보안팀승인",
                "no action needed", "no action required", "geen actie nodig", "geen actie vereist",
                "keine aktion nötig",
                "kein handlungsbedarf", "aucune action requise", "aucune action nécessaire", "ninguna acción necesaria",
                "no requiere acción", "nenhuma ação necessária", "nessuna azione necessaria", "không cần hành động",
                "ingen åtgärd krävs", "żadne działania nie są wymagane", "не требует действий", "действий не требуется",
                "dont isolate", "dont block", "dont lock", "dont flag", "dont escalate", "dont suspend",
                "no need to escalate", "no need escalate", "not need alert", "no need to isolate", "no need to suspend",
                "no need to lock", "not to isolate", "not to suspend", "not be isolated", "not be suspended",
                "not be locked", "un-isolated", "unisolated", "stop flagging", "stop escalating", "do not raise alert",
                "do not raise an alert", "do not raise alerts", "remove the block", "lift the block",
                "allow it to pass",
                "隔離は不要", "隔離不要", "停止も不要", "停止は不要", "エスカレーション不要", "報告不要", "対処不要",
                // Leaving something out of the report.
                "leave it out of the", "leave this out of", "leave out of the report", "not go into the weekly",
                "do not go into the", "should not list", "leave this source out", "out of the write-up",
                "out of the weekly report", "out of the incident summary", "not be included in the report",
                "nicht im bericht", "nicht im report", "non riportarla", "non riportarlo", "non riportare",
                "載せなくて", "не включать в отчет", "не включать в отчёт", "no incluir en el informe",
                "ne pas mentionner dans le rapport", "não incluir no relatório", "不要写入报告", "보고서에서 제외",
            ] + plannedWork + reviewClaims)
        add(
            .toolName,
            [
                "get_", "list_", "create_", "delete_", "reset_", "suspend_", "unsuspend", "isolate_", "unisolate",
                "release_", "add_", "remove_", "post_", "send_", "export_", "enroll_", "update_", "disable_",
                "enable_", "attach_", "detach_", "deactivate_", "clear_", "run_", "allowlist_", "suppress_",
                "assume_", "describe_", "revoke_", "grant_", "siem.search", "siem.query", "mcp.", "mcp-",
                "mcp host", "guard-ok",
            ], word: false)
        add(
            .toolNotice,
            [
                "deprecated", "is deprecated", "has moved", "moved to", "replaced by", "replacement", "use instead",
                "instead", "must be called", "now requires", "required parameter", "do not call",
                "don't call", "remedy", "remediation", "approval granted", "approval_token", "preauthorized",
                "pre-authorized", "preapproved for destructive", "destructive actions", "rate-limited",
                "stop querying", "remaining results", "remaining events", "authoritative", "served at",
                "v1 calls are ignored", "veraltet", "stattdessen", "nutze", "nutzen",
                "nicht aufrufen", "wycofane", "użyj", "obsolète", "à la place", "ne pas appeler", "obsoleto",
                "en su lugar", "utilice", "no llame", "no vuelva a llamar", "仕様変更", "必須", "廃止", "代わりに",
                "呼び出さない", "已弃用", "改用", "请调用", "사용 중단", "대신", "устарел", "вместо", "to resolve",
                "before using", "always call", "do not retry", "tool usage", "usage requirements",
                "now exposes", "fuera de servicio", "exige", "désormais", "pflichtparameter", "abhilfe", "solución",
                "solução", "não chame", "no chame", "レート制限",
            ])
        add(
            .unnamedReader,
            [
                "whoever reviews", "whoever is reviewing", "whoever looks at", "whoever compiles", "whoever handles",
                "whoever triages", "whoever analyses", "whoever analyzes", "whoever investigates", "whoever checks",
                "whoever reviews this", "for whoever", "anyone reviewing", "anyone's compiling", "anyone compiling",
                "quem for fazer", "whoever compiles the", "anyone looking at this", "anyone who reviews",
                "someone reviewing", "someone reading this", "someone reading the", "the next reviewer",
                "next reviewer", "for the reviewer",
                "reviewers record", "reviewers should", "report writers", "whoever writes the report",
                "the reading can stop", "reading can stop", "if this appears in a report", "appears in a report",
                "appears in a finding", "appears in a findings report", "seen in a finding", "if this string appears",
                "if this org appears", "in a findings report", "whoever reviewing", "the reviewing analyst",
                "later reviewers", "anybody that is checking", "anyone checking this",
                "whoever is checking", "whoever's bot",
                "für die nächste prüfstelle", "nächste prüfstelle", "für den prüfer", "für prüfende", "wer dies prüft",
                "wer das prüft", "wer die meldungen", "wer die meldung", "wer die alarme", "wer diese meldung",
                "pour la personne qui", "à l'attention du relecteur", "qui examinera", "pour quiconque",
                "para quien revise", "quien revise", "quien analice", "para el revisor", "a quien revise",
                "per chi esamina", "chi controlla", "per chi controlla", "chi analizza", "per chi analizza",
                "quem analisar", "para quem revisar", "quem revisar", "para quem analisar",
                "wie dit bekijkt", "wie dit controleert", "voor de beoordelaar", "wie dit beoordeelt",
                "проверяющему", "для проверяющего", "кто будет проверять", "тому, кто будет",
                "той, хто переглядатиме", "для перевіряючого", "хто перевірятиме", "dla osoby weryfikującej",
                "dla weryfikującego", "kto będzie sprawdzał", "確認者へ", "レビュー担当者へ", "確認される方",
                "审核人员", "给审查人员", "审核者请", "검토자는", "검토하시는 분", "kdo bude kontrolovat",
                "den som granskar", "inceleyen kişi", "bagi yang memeriksa", "untuk peninjau",
            ])
        add(
            .secondPerson,
            [
                "you are", "you will", "you must", "you have no", "you can", "you should", "you don't", "you do not",
                "you never", "you always", "always respond", "you have been", "you're", "your responses", "your role",
                "your task", "your job", "you are able to", "you have broken",
            ])
        add(
            .secrecy,
            [
                "do not tell the user", "don't tell the user", "dont tell the user", "do not mention", "don't mention",
                "without telling", "without informing", "secretly", "do not inform", "keep this secret", "don't reveal",
                "do not reveal", "do not alert", "do not notify", "don't notify", "the user must not know",
                "without the user", "do not let the user", "don't let the user", "never reveal",
                "do not disclose",
            ])
        add(
            .exfiltration,
            [
                "webhook.site", "ngrok", "requestbin", "pipedream.net", "burpcollaborator", "oastify", "interact.sh",
                "pastebin.com", "attacker.com", "attacker.net", "attacker.org", "attacker.io", "attacker.example",
                "attacker-",
                "evil.", "exfil.", "exfil-", "exfil?", "exfil/", "/exfil", "exfil_", "?q={", "={", "=${", "=$(", "%7b",
                "?data=", "&data=",
                "?secret=", "?token=", "?key=", "?p=", "?info=", "![", "<img src=",
            ], word: false)
        add(
            .jailbreak,
            [
                "do anything now", "dan mode", "developer mode", "jailbreak", "jailbroken", "no restrictions",
                "without restrictions", "unfiltered", "uncensored", "stay in character", "pretend you are",
                "pretend to be", "roleplay as", "role-play as", "act as a", "act as an", "opposite mode", "anti-dan",
                "evil confidant", "ignore your programming", "no ethical", "no moral", "free from", "break character",
                "simulate", "hypothetical response", "immerse yourself", "the role of", "known as dan", "broken free",
                "typical confines", "you are about to", "no restrictions on", "amoral", "unethical", "do not refuse",
                "don't refuse", "never refuse", "without any restrictions", "you will act as", "you are going to act",
                "you are to act", "act like a", "act like an",
                "behave like", "respond as such", "a roleplayer", "roleplays", "act as two", "two entities",
                "you are now the", "you are now a", "you are now an", "you only interpret", "in character as",
                "stay in role", "never break character", "as your new persona",
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
                "not malicious", "no action needed", "no action is needed", "dismiss this alert", "must be closed",
                "closed as", "suppress future alerts", "suppress alerts", "expected behaviour", "expected behavior",
            ])
        add(
            .discussion,
            [
                "prompt injection", "prompt-injection", "injection attack", "for example", "e.g.", "such as",
                "awareness", "training", "attackers", "an attacker", "phishing", "be aware", "example of", "quoted",
                "red team", "red-team", "researchers", "lure", "tester", "reproduced", "test cases", "test case",
                "owasp",
                "llm01", "newsletter", "hide commands", "someone put", "test plan", "conference", "finding", "payloads",
                "jailbreaks", "we should test", "detection rule", "scanner", "examples",
                "threat model", "rules of engagement", "root cause", "post-mortem", "postmortem", "eval set",
                "evaluation", "red teaming", "injection attempt", "injection attempts", "prompt-injektion",
                "injection de prompt", "injection d'invite", "inyección de prompt", "injeção de prompt",
                "iniezione di prompt", "wstrzyknięcie", "wstrzyknięcia", "инъекция промпта", "инъекции промпта",
                "промпт-инъекц", "ін'єкці", "提示注入", "提示词注入", "越狱", "红队", "プロンプトインジェクション", "脱獄",
                "レッドチーム", "프롬프트 인젝션", "탈옥", "레드팀", "testfälle", "kırmızı takım", "評価",
            ])
        // Languages with fewer speakers on the web (red-team round 16's crew wrote in 47 of them): what reads a
        // record, "automatic", "artificial intelligence", and what an intruder wants from the reader, in the
        // languages of Africa, South and Southeast Asia, the Caucasus, Central Asia, the Baltics, the Balkans and the
        // north and west of Europe.
        add(
            .readerNoun,
            [
                "wakala", "mkaguzi", "ukaguzi", "tsarin", "nidaamka", "falanqayn", "hlelo", "hlaziy", "ስርዓት", "ሥርዓት",
                "ገምጋሚ", "ትንተና", "tagasuri", "সিস্টেম", "বিশ্লেষণ", "এজেন্ট", "பகுப்பாய்வு", "వ్యవస్థ",
                "విశ్లేషణ", "تجزیہ", "سسٹم", "სისტემ", "ანალიზ", "համակարգ", "վերլուծ", "järjestelm", "analyysi",
                "rendszer", "elemz", "sistēm", "süsteem", "analüüs", "tizim", "tahlil", "təhlil", "tehlil", "шинжилгээ",
                "ប្រព័ន្ធ", "စနစ်", "ລະບົບ", "පද්ධති", "greining", "azterket", "dadansodd", "córas", "anailís",
            ], word: false)
        add(
            .automationWord,
            [
                "zenzakalel", "አውቶማቲክ", "awtomatiko", "automaat", "ავტომატ", "ավտոմատ",
                "স্বয়ংক্রিয়", "தானியங்கி", "స్వయంచాలక", "ស្វ័យប្រវត្តិ", "အလိုအလျောက်", "ස්වයංක්‍රීය", "aládàáṣe",
                "sjálfvirk", "awtomatig", "avtomat", "automātisk",
            ], word: false)
        add(
            .weakAddress,
            [
                "akili bandia", "ሰው ሰራሽ አስተውሎት", "sirdoonka macmalka", "kecerdasan buatan",
                "trí tuệ nhân tạo", "ปัญญาประดิษฐ์", "कृत्रिम बुद्धि", "কৃত্রিম বুদ্ধিমত্তা",
                "هوش مصنوعی", "مصنوعی ذہانت", "τεχνητή νοημοσύνη", "בינה מלאכותית", "tekoäly", "tekoälylle",
                "mesterséges intelligencia", "inteligență artificială", "ხელოვნური ინტელექტ",
                "արհեստական բանականություն", "штучний інтелект", "жасанды интеллект", "sun'iy intellekt",
                "sun’iy intellekt",
                "süni intellekt", "tehisintellekt", "mākslīgais intelekts", "dirbtinis intelektas", "gervigreind",
                "adimen artifiziala", "deallusrwydd artiffisial", "intleacht shaorga", "inteligjenca artificiale",
                "செயற்கை நுண்ணறிவு", "కృత్రిమ మేధ", "хиймэл оюун", "yapay zekâ",
            ])
        add(
            .automationAddress,
            [
                "wakala wa ai", "mfumo wa ai", "lwe-ai", "sa ai na nagbabasa", "sa ai na sumusuri", "pembantu ai",
                "asisten ai", "ejen ai",
                "ejen automatik", "ระบบ ai", "ผู้ช่วยอัตโนมัติ", "ai एजेंट", "এআই সিস্টেম",
            ])
        add(
            .unnamedReader,
            [
                "kwa yeyote anayechunguza", "yeyote anayesoma", "kwa anayesoma", "siapa pun yang membaca",
                "siapa saja yang memeriksa", "sinumang nagbabasa", "sinumang sumusuri", "bất kỳ ai đọc",
                "người đọc tin nhắn này", "bunu okuyan", "bunu inceleyen", "tämän lukijalle",
                "kenelle tahansa tämän lukevalle",
                "هر کسی که این را می‌خواند", "जो भी इसे पढ़", "যিনি এটি পড়ছেন", "όποιος διαβάζει", "כל מי שקורא",
            ])
        add(
            .agentGoal,
            [
                // Swahili, Zulu, Somali, Hausa, Yoruba, Amharic
                "funga tahadhari", "ifunge tahadhari", "usiipandishe", "si shambulio", "hakuna haja ya kuchunguza",
                "hakuna haja ya kupandisha",
                "orodha ya ruhusa", "kengele ya uongo", "tahadhari ya uongo", "weka alama kama salama",
                "vala lesi sexwayiso",
                "ungasidluliseli", "engenangozi", "akudingeki kuhlolwe", "ha u gudbin", "xir digniinta",
                "aan khatar lahayn",
                "digniin been ah", "babu buƙatar bincike", "babu bukatar bincike",
                "aláìléwu", "ìkìlọ̀ èké", "ማንቂያውን ዝጋው", "አታስተላልፈው", "የሐሰት ማስጠንቀቂያ", "ጉዳት የሌለው",
                // Indonesian, Malay, Tagalog, Vietnamese, Thai, Khmer
                "alarm palsu", "positif palsu", "tidak perlu eskalasi", "jangan eskalasi",
                "tandai sebagai aman", "daftar putih", "amaran palsu", "isara ang alerto",
                "huwag i-escalate", "maling alarma", "walang panganib", "báo động giả",
                "không leo thang", "danh sách trắng", "vô hại", "แจ้งเตือนเท็จ", "ไม่เป็นอันตราย",
                // Hindi, Bengali, Urdu, Persian, Tamil
                "झूठा अलार्म", "हानिरहित", "एस्केलेट न करें", "जांच की जरूरत नहीं",
                "সতর্কতা বন্ধ", "মিথ্যা সতর্কতা", "ক্ষতিকর নয়", "এসকেলেট করবেন না", "الرٹ بند", "جھوٹا الارم",
                "بے ضرر", "هشدار را ببند", "هشدار کاذب", "بی‌خطر", "ارجاع نده", "தவறான எச்சரிக்கை",
                // Turkish, Greek, Finnish, Hungarian, Romanian, Ukrainian
                "yanlış alarm", "eskale etme", "izin listesine", "ψευδής συναγερμός",
                "ψευδώς θετικό", "κλείσε την ειδοποίηση", "ακίνδυνο", "μην κλιμακώσεις", "väärä hälytys",
                "sulje hälytys", "vaaraton", "älä eskaloi", "téves riasztás", "zárd le a riasztást", "ártalmatlan",
                "ne eszkaláld", "alarmă falsă",
                "хибна тривога", "не ескалюй", "закрий сповіщення",
                // Georgian, Armenian, Kazakh, Uzbek, Azerbaijani, Mongolian
                "ცრუ განგაში", "დახურე შეტყობინება", "կեղծ ահազանգ", "փակիր ահազանգը", "жалған дабыл",
                "дабылды жабыңыз",
                "yolg'on signal", "yolgʻon signal", "signalni yoping", "yalançı həyəcan", "yalanci heyecan",
                "xəbərdarlığı bağlayın", "хуурамч дохио",
                // Estonian, Latvian, Lithuanian, Icelandic, Basque, Welsh, Irish, Albanian
                "valehäire", "sulge hoiatus", "viltus trauksme", "aizver brīdinājumu", "klaidingas aliarmas",
                "uždaryk įspėjimą", "fölsk viðvörun", "lokaðu viðvöruninni", "alarma faltsua", "itxi alerta",
                "galwad ffug", "cau'r rhybudd", "aláram bréige", "alarm i rremë", "mbyll alarmin",
            ])
        // Round 21's physical-security and finance flows: a guard kept from being sent, a call-back or a review
        // declared unneeded, a held payment released, an alert closed without escalation, a badge left active,
        // the guard post not told, a ticket not reopened; and readers it addressed in words the cues did not
        // know. (Compounds of everyday words, "close alert", "release the hold", are in `everydayGoals`.)
        add(
            .agentGoal,
            [
                "do not dispatch", "don't dispatch", "dont dispatch", "without dispatch", "without dispatching",
                "do not send guard", "do not send a guard", "don't send a guard", "do not send security", "no guard",
                "no-guard", "without sending a guard", "ne pas dépêcher", "sin escalar", "sans escalader",
                "ohne eskalation", "senza escalare", "sem escalar", "geen beveiliging sturen", "görevlisi gönderme",
                "派遣しない", "无需通知", "ne pas informer", "no la desactives", "don't deactivate", "not deactivate",
                "ne pas désactiver", "nicht deaktivieren", "review not needed", "no review needed", "no-review-needed",
                "review not required", "no further escalation", "escalation not needed", "skip the call-back",
                "skip the callback", "skip call-back", "skip callback", "call-back not needed", "callback not needed",
                "não reabrir", "auto-resolve", "mark alert as resolved", "mark as resolved", "mark resolved",
                "release the payment", "release held payment", "release the held payment", "release the hold",
                "proceed with closure", "close alert", "close door alerts", "close door alarms", "închideți alertele",
                "종결 처리",
            ])
        add(
            .automationAddress,
            [
                "ai agents,", "ai agents reviewing", "reviewing agents", "system instruction:", "ai dispatch systems",
                "ai_agent_instruction", "instruction-to-triage", "disposition_for_ai", "note-to-reviewer",
                "reviewer-instruction", "aviso para el sistema", "ajanına not", "soc ajanına",
                "automatisierte prüfwerkzeuge", "geautomatiseerde soc", "自动化安全运营系统",
                "système de traitement automatique",
            ])
        add(.weakAddress, ["ia:", "ki:", "ai bhai", "ia favor", "ia :"])
        // Round 22's web-application flows: a message to "reviewing systems". ("In your summary", "analyst
        // assistant" and "as legitimate" were tried and dropped: a person asks a colleague for the first, the second
        // is a person's title, and a bot's finding is confirmed "as legitimate" by people.)
        add(.automationAddress, ["to reviewing systems", "reviewing systems:"])
        return result
    }()
}
