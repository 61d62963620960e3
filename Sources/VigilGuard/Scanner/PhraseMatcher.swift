/// Finds many phrases in one pass (Aho–Corasick over bytes, with the alphabet folded to the bytes the
/// phrases use). Built once; matching allocates nothing but the matches it reports.
struct PhraseMatcher: Sendable {
    struct Match {
        var phrase: Int
        /// Byte offsets in the searched text, end exclusive.
        var start: Int
        var end: Int
    }

    private let classes: [UInt8]
    private let classCount: Int
    /// Next state per (state, class), 16 bits wide so that the table stays in cache.
    private let transitions: [UInt16]
    /// Per state: the phrases that end there (through the failure links too), as a range in `outputList`.
    private let outputStart: [Int32]
    /// States from this one on have outputs.
    private let firstOutputState: Int
    private let outputList: [Int32]
    private let lengths: [Int]
    private let startBounded: [Bool]
    private let endBounded: [Bool]

    /// `phrases`: lower-case byte strings; `wordBounded[i]`: phrase i must start and end at a word edge.
    init(phrases: [[UInt8]], wordBounded: [Bool]) {
        var classes = [UInt8](repeating: 0, count: 256)
        var next: UInt8 = 1
        for phrase in phrases {
            for b in phrase where classes[Int(b)] == 0 {
                classes[Int(b)] = next
                next += 1
            }
        }
        let classCount = Int(next)
        // The trie.
        var goto: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var outputs: [[Int32]] = [[]]
        for (index, phrase) in phrases.enumerated() {
            var state = 0
            for b in phrase {
                let c = Int(classes[Int(b)])
                if goto[state][c] < 0 {
                    goto[state][c] = Int32(goto.count)
                    goto.append([Int32](repeating: -1, count: classCount))
                    outputs.append([])
                }
                state = Int(goto[state][c])
            }
            outputs[state].append(Int32(index))
        }
        // Failure links, breadth first, folded into a full transition table.
        var fail = [Int32](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for c in 0..<classCount {
            if goto[0][c] < 0 {
                goto[0][c] = 0
            } else {
                fail[Int(goto[0][c])] = 0
                queue.append(Int(goto[0][c]))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state].append(contentsOf: outputs[Int(fail[state])])
            for c in 0..<classCount {
                let target = goto[state][c]
                if target < 0 {
                    goto[state][c] = goto[Int(fail[state])][c]
                } else {
                    fail[Int(target)] = goto[Int(fail[state])][c]
                    queue.append(Int(target))
                }
            }
        }
        self.classes = classes
        self.classCount = classCount
        precondition(goto.count <= Int(UInt16.max), "too many phrases for a 16-bit automaton")
        // States renumbered so that those where a phrase ends come last: the search tests one comparison per
        // byte instead of looking up an output list. The root (no phrase is empty) stays state 0.
        let order = goto.indices.filter { outputs[$0].isEmpty } + goto.indices.filter { !outputs[$0].isEmpty }
        var renumbered = [Int32](repeating: 0, count: goto.count)
        for (new, old) in order.enumerated() { renumbered[old] = Int32(new) }
        precondition(order.first == 0, "the root of the automaton must have no output")
        firstOutputState = order.firstIndex { !outputs[$0].isEmpty } ?? order.count
        transitions = order.flatMap { goto[$0].map { UInt16(truncatingIfNeeded: renumbered[Int($0)]) } }
        var starts: [Int32] = []
        var list: [Int32] = []
        for output in order.map({ outputs[$0] }) {
            starts.append(Int32(list.count))
            list.append(contentsOf: output)
        }
        starts.append(Int32(list.count))
        outputStart = starts
        outputList = list
        lengths = phrases.map(\.count)
        // A boundary is required only at an edge that is itself a word character ("replace [" needs one
        // before "replace", none after "[").
        startBounded = zip(phrases, wordBounded).map { $1 && !$0.isEmpty && Self.isWordByte($0[0]) }
        endBounded = zip(phrases, wordBounded).map { $1 && !$0.isEmpty && Self.isWordByte($0[$0.count - 1]) }
    }

    /// Calls `found` for every phrase occurrence in `text`.
    func matches(in text: UnsafeBufferPointer<UInt8>, _ found: (Match) -> Void) {
        classes.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { transitions in
                var state = 0
                let width = classCount
                let firstOutput = firstOutputState
                for i in 0..<text.count {
                    state = Int(transitions[state &* width &+ Int(classes[Int(text[i])])])
                    guard state >= firstOutput else { continue }
                    let from = Int(outputStart[state])
                    let to = Int(outputStart[state + 1])
                    guard from < to else { continue }
                    for k in from..<to {
                        let phrase = Int(outputList[k])
                        let start = i + 1 - lengths[phrase]
                        if startBounded[phrase], start > 0, Self.isWordByte(text[start - 1]) { continue }
                        if endBounded[phrase], i + 1 < text.count, Self.isWordByte(text[i + 1]) { continue }
                        found(Match(phrase: phrase, start: start, end: i + 1))
                    }
                }
            }
        }
    }

    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }
}
