#!/usr/bin/env python3
"""Serve a fine-tuned injection classifier over TEI's `POST /predict`, for the Guard's intent model.

The model is the one `scripts/finetune-trial.py train` writes (a BERT sequence classifier with one logit). Each
input is read whole, in windows of 128 word pieces (stride 64), and scored by its highest window, so a long text is
never cut short; the answer is TEI's: per input, `[{"label": "INJECTION", "score": p}, {"label": "SAFE", …}]`
sorted from the highest score. Scores are cached per text (the latest 200,000), so that a second evaluation of
the same corpus costs nothing. One request is read at a time: concurrent investigations wait for each other, so
keep `guard.intent_model.timeout` above what a batch takes (about half a second per 32 short texts on 2 cores).

    python3 scripts/intent-server.py --model $TRIAL_DIR/ft-model --port 8080
    swift run -c release vigil-bench-guard eval Tests/Fixtures/injection/redteam-56.jsonl \
        --scanner-threshold 0.9924 --intent-model http://127.0.0.1:8080 --intent-labels INJECTION \
        --intent-threshold 0.9788

or, for the Guard, `guard.scan_threshold: 0.9924` and `guard.intent_model` with `url: http://127.0.0.1:8080`,
`labels: [INJECTION]`, `threshold: 0.9788` (the pair chosen on rounds 49-54; BENCHMARKS.md, finding 61).

Errors are TEI's `{"error": …, "error_type": …}`: 422 for a body it cannot read, 413 for a batch over
`--max-batch`, 500 (`backend`) when the model fails. Nothing here is part of Vigil.
"""
import argparse, collections, json, math, os, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAXLEN, STRIDE = 128, 64
CACHE = 200_000  # texts whose score is kept; the oldest go first


def windows(ids):
    """[CLS] w [SEP] windows of at most MAXLEN word pieces over a text's (given with its own CLS and SEP), STRIDE
    apart; the training script reads texts the same way."""
    body = ids[1:-1]
    if len(body) <= MAXLEN - 2:
        return [ids]
    out = []
    for s in range(0, len(body), STRIDE):
        out.append([ids[0]] + body[s:s + MAXLEN - 2] + [ids[-1]])
        if s + MAXLEN - 2 >= len(body):
            break
    return out


def batch_tensors(seqs):
    """Word-piece sequences as one padded batch: ids and attention mask."""
    import torch
    L = max(len(q) for q in seqs)
    x = torch.zeros((len(seqs), L), dtype=torch.long)
    a = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, q in enumerate(seqs):
        x[i, :len(q)] = torch.tensor(q)
        a[i, :len(q)] = 1
    return x, a


class Reader:
    """The fine-tuned model: per text, the probability that it is an injection (its highest window's)."""

    def __init__(self, model_dir, tokenizer_path):
        import torch
        from tokenizers import Tokenizer
        from transformers import BertForSequenceClassification
        self.torch = torch
        torch.set_num_threads(2)
        self.model = BertForSequenceClassification.from_pretrained(model_dir)
        self.model.eval()
        self.tok = Tokenizer.from_file(tokenizer_path)
        self.tok.no_padding()
        self.tok.no_truncation()
        self.cache = collections.OrderedDict()
        self.lock = threading.Lock()

    def logits(self, texts):
        """Per text, the model's logit for its highest window; windows of similar length are read together."""
        torch = self.torch
        distinct = list(dict.fromkeys(texts))
        items = [(t, w) for t in distinct for w in windows(self.tok.encode(t).ids)]
        items.sort(key=lambda it: len(it[1]))
        best = {t: -math.inf for t in distinct}
        with torch.no_grad():
            for s in range(0, len(items), 32):
                chunk = items[s:s + 32]
                x, a = batch_tensors([w for _, w in chunk])
                z = self.model(input_ids=x, attention_mask=a).logits.squeeze(-1).tolist()
                for (t, _), v in zip(chunk, z):
                    best[t] = max(best[t], v)
        return [best[t] for t in texts]

    def probabilities(self, texts):
        with self.lock:
            for t in texts:
                if t in self.cache:
                    self.cache.move_to_end(t)
            todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
            best = dict(zip(todo, self.logits(todo)))
            answer = {t: self.cache[t] for t in texts if t in self.cache}
            for t, v in best.items():
                # The logistic, without overflow for a large negative logit.
                answer[t] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
                self.cache[t] = answer[t]
            while len(self.cache) > CACHE:
                self.cache.popitem(last=False)
            return [answer[t] for t in texts]


def server(reader, port, max_batch=32):
    """A TEI `/predict` server on 127.0.0.1:`port` (0: any free port) over `reader.probabilities`."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header('content-type', 'application/json')
            self.send_header('content-length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if self.path.rstrip('/') != '/predict':
                return self.send(404, {'error': 'no route %s' % self.path, 'error_type': 'validation'})
            try:
                body = json.loads(self.rfile.read(int(self.headers.get('content-length', 0))))
                inputs = body['inputs']
            except Exception as e:
                return self.send(422, {'error': 'Failed to deserialize the JSON body: %s' % e, 'error_type': 'validation'})
            # TEI's PredictInput: a string, a pair, or a batch of singles and pairs (a pair is read as one text).
            if isinstance(inputs, str):
                batch, single = [[inputs]], True
            elif isinstance(inputs, list) and 1 <= len(inputs) <= 2 and all(isinstance(i, str) for i in inputs):
                batch, single = [inputs], True
            elif (isinstance(inputs, list) and inputs
                  and all(isinstance(i, list) and 1 <= len(i) <= 2 and all(isinstance(t, str) for t in i) for i in inputs)):
                batch, single = inputs, False
            else:
                return self.send(422, {'error': 'inputs must be a string, a pair or a batch of them', 'error_type': 'validation'})
            if len(batch) > max_batch:
                return self.send(413, {'error': 'batch size %d > maximum allowed batch size %d' % (len(batch), max_batch),
                                       'error_type': 'validation'})
            try:
                ps = reader.probabilities([' '.join(i) for i in batch])
            except Exception as e:
                # TEI answers a model failure with 500 and error_type "backend"; the Guard counts it as an outage.
                return self.send(500, {'error': 'the model failed: %s' % e, 'error_type': 'backend'})
            out = [sorted([{'label': 'INJECTION', 'score': p}, {'label': 'SAFE', 'score': 1 - p}],
                          key=lambda d: -d['score']) for p in ps]
            self.send(200, out[0] if single else out)

    return ThreadingHTTPServer(('127.0.0.1', port), Handler)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', default=os.path.join(os.environ.get('TRIAL_DIR', '/tmp/encoder-trial'), 'ft-model'))
    ap.add_argument('--tokenizer', help="the model's tokenizer.json (default: the one beside the model)")
    ap.add_argument('--port', type=int, default=8080)
    ap.add_argument('--max-batch', type=int, default=32)
    args = ap.parse_args()
    tokenizer = args.tokenizer or os.path.join(args.model, 'tokenizer.json')
    if not os.path.isdir(args.model) or not os.path.isfile(tokenizer):
        ap.error('no model at %s (or no tokenizer.json beside it): train one with scripts/finetune-trial.py' % args.model)
    httpd = server(Reader(args.model, tokenizer), args.port, args.max_batch)
    print('serving %s on http://127.0.0.1:%d/predict' % (args.model, httpd.server_address[1]), flush=True)
    httpd.serve_forever()


if __name__ == '__main__':
    main()
