#!/usr/bin/env python3
"""The PyTorch twin of motionfuse's fusion network (src/models/fusion-network.ts: its built-in
encoders or the `tcn` one, joint heads).

`npm run bench -- fusion-step` runs it with the spec of the model it times (the JSON of --spec:
modalities, input shapes, classes, sizes), so both build the same network:
  video [K, S, S, 3] -> per frame: (conv2d 3x3 same + ReLU + max-pool 2) per videoFilters, flatten,
                        linear dense(frameFeatures) -> [K, frameFeatures]
  flow  [K-1, S, S, 2] -> average-pool flowPool, then the same per flowFilters
  imu   [T, C]       -> (conv1d k5 same + BatchNorm + ReLU + max-pool 2) per imuFilters
  imu or pose [T, C] with encoders.<m> = tcn: (conv1d k same, no bias + BatchNorm + ReLU +
                        max-pool 2) per width, then the mean over time (a vector: no pooling after)
  each sequence -> 'attention-lstm': BatchNorm, LSTM(lstmUnits, sequences), additive attention
                   pooling; 'concat': the mean over time
  concat (grouped by sensor: camera, then IMU) -> modality dropout (training) -> BatchNorm ->
  dropout -> dense(classes); with auxiliaryLoss, a head per modality (BatchNorm, dropout, dense)
  whose losses join the fused one's, weighted by lossWeights; softmax cross-entropy; Adam(lr)
BatchNorm as tfjs's (eps 1e-3, momentum 0.9 = PyTorch's 0.1). The LSTM has one bias, as
FastLstm (and Keras): PyTorch's second bias (bias_hh) is held at zero and not trained, so the
trainable parameter counts are equal. Frames come channels-last, as ours, and the CNNs run in
PyTorch's channels_last memory format (--layout nchw: its default layout, much slower here).

Timing as ../shared/bench/torch_reference.py, but warmed up for 3 steps and --warmup seconds at least (the
same on our side: a JIT-compiled runtime needs more than 3 steps of a 15 ms network to reach its steady
state), then training steps for --seconds (5 at least),
batch-1 inference (eval, no_grad) for half of it (p50, p99); then per branch (each encoder, each
pooling, the head) one training step at the batch (forward + gradients of its weights and, past an
encoder, of its input) and one batch-1 forward, median of --repeats. Prints one JSON line.
Run with Debian's python3-torch:  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 fusion_step_torch.py --spec '{...}'
"""
import argparse, json, time
import torch
import torch.nn as nn

SENSOR_OF = {"video": "camera", "flow": "camera", "imu": "imu", "pose": "camera"}
BN_EPS, BN_MOMENTUM = 1e-3, 0.1
MIN_STEPS = 5  # timed training steps at least, as the TypeScript side


class FrameEncoder(nn.Module):
    """[B, K, S, S, C] -> [B, K, features]: a CNN per frame, all frames in one batch."""

    def __init__(self, channels, size, filters, features, pool, layout):
        super().__init__()
        self.layout = layout
        layers = []
        if pool > 1:
            layers.append(nn.AvgPool2d(pool))
            size //= pool
        for f in filters:
            layers += [nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels, size = f, size // 2
        self.cnn = nn.Sequential(*layers, nn.Flatten())
        self.dense = nn.Linear(channels * size * size, features)

    def forward(self, x):
        b, k = x.shape[:2]
        # The frames' channels-last data seen as [N, C, S, S]: PyTorch's channels_last memory format, no copy.
        x = x.reshape(b * k, *x.shape[2:]).permute(0, 3, 1, 2)
        return self.dense(self.cnn(x if self.layout == "nhwc" else x.contiguous())).reshape(b, k, -1)


class ImuEncoder(nn.Module):
    """[B, T, C] -> [B, T / 2^n, filters[-1]]."""

    def __init__(self, channels, filters):
        super().__init__()
        layers = []
        for f in filters:
            layers += [nn.Conv1d(channels, f, 5, padding=2), nn.BatchNorm1d(f, BN_EPS, BN_MOMENTUM), nn.ReLU(),
                       nn.MaxPool1d(2)]
            channels = f
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x.transpose(1, 2)).transpose(1, 2)


class TemporalCnn(nn.Module):
    """The `tcn` encoder (src/models/encoders/temporal-cnn-encoder.ts) without its mean over time:
    per width conv1d(kernel, same, no bias) + BatchNorm (+ a 1x1 projection's when residual) + ReLU + max-pool 2."""

    def __init__(self, channels, widths, kernel, residual):
        super().__init__()
        self.convs, self.bns, self.res, self.res_bns = (nn.ModuleList() for _ in range(4))
        for f in widths:
            self.convs.append(nn.Conv1d(channels, f, kernel, padding=kernel // 2, bias=False))
            self.bns.append(nn.BatchNorm1d(f, BN_EPS, BN_MOMENTUM))
            if residual:
                self.res.append(nn.Conv1d(channels, f, 1, bias=False))
                self.res_bns.append(nn.BatchNorm1d(f, BN_EPS, BN_MOMENTUM))
            channels = f
        self.pool = nn.MaxPool1d(2)

    def forward(self, x):
        x = x.transpose(1, 2)
        for i, (conv, bn) in enumerate(zip(self.convs, self.bns)):
            y = bn(conv(x))
            if len(self.res) > 0:
                y = y + self.res_bns[i](self.res[i](x))
            x = self.pool(torch.relu(y))
        return x.transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.proj = nn.Linear(h, h)
        self.v = nn.Linear(h, 1, bias=False)

    def forward(self, seq):  # [B, T, H]
        w = torch.softmax(self.v(torch.tanh(self.proj(seq))).squeeze(-1), dim=1)
        return (seq * w.unsqueeze(-1)).sum(1)


class AttentionLstmPool(nn.Module):
    """[B, T, F] -> [B, H]: BatchNorm over features, LSTM with one bias, attention pooling."""

    def __init__(self, features, units):
        super().__init__()
        self.bn = nn.BatchNorm1d(features, BN_EPS, BN_MOMENTUM)
        self.lstm = nn.LSTM(features, units, batch_first=True)
        with torch.no_grad():
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        self.att = Attention(units)

    def forward(self, x):
        y, _ = self.lstm(self.bn(x.transpose(1, 2)).transpose(1, 2))
        return self.att(y)


class MeanPool(nn.Module):
    def forward(self, x):
        return x.mean(1)


class ModalityDropout(nn.Module):
    """In training a sample loses one sensor's whole segment with probability `rate` (as ModalityDropout)."""

    def __init__(self, widths, rate):
        super().__init__()
        self.rate = rate
        self.register_buffer("segment", torch.cat([torch.full((w,), m) for m, w in enumerate(widths)]))

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        n = self.segment.max().item() + 1
        u = torch.rand(x.shape[0], 1)
        dropped = torch.clamp(torch.floor(u * (n / self.rate)), max=n - 1)
        dropped = torch.where(u < self.rate, dropped, torch.full_like(dropped, -1))
        return x * (dropped != self.segment).float()


class Head(nn.Module):
    """(Modality dropout,) BatchNorm, dropout, dense to logits."""

    def __init__(self, widths, spec):
        super().__init__()
        self.net = nn.Sequential(
            *([ModalityDropout(widths, spec["modalityDropout"])] if len(widths) > 1 and spec["modalityDropout"] > 0 else []),
            nn.BatchNorm1d(sum(widths), BN_EPS, BN_MOMENTUM), nn.Dropout(spec["dropout"]),
            nn.Linear(sum(widths), spec["classes"]))

    def forward(self, x):
        return self.net(x)


class FusionNet(nn.Module):
    def __init__(self, spec, layout):
        super().__init__()
        encoders = {m: e for m, e in (spec.get("encoders") or {}).items() if m in spec["modalities"]}
        bad = [m for m in spec["modalities"] if m not in SENSOR_OF or (m == "pose" and m not in encoders)]
        bad += [m for m, e in encoders.items() if e["type"] != "tcn"]
        if bad or spec.get("heads", "joint") != "joint":
            raise SystemExit(f"fusion_step_torch.py: a twin of the built-in encoders of video, flow and imu or the tcn "
                             f"encoder, joint heads; not of {bad or spec.get('heads')}")
        sensors = list(dict.fromkeys(SENSOR_OF[m] for m in spec["modalities"]))
        self.order = [m for s in sensors for m in spec["modalities"] if SENSOR_OF[m] == s]
        self.encoders, self.pools = nn.ModuleDict(), nn.ModuleDict()
        self.seq_shape = {}
        widths = [0] * len(sensors)
        for m in self.order:
            shape = spec["shapes"][m]
            if m in encoders:
                e = encoders[m]
                self.encoders[m] = TemporalCnn(shape[1], e["widths"], e["kernel"], e["residual"])
                self.seq_shape[m] = [shape[0] // 2 ** len(e["widths"]), e["widths"][-1]]
            elif m == "imu":
                self.encoders[m] = ImuEncoder(shape[1], spec["imuFilters"])
                self.seq_shape[m] = [shape[0] // 2 ** len(spec["imuFilters"]), spec["imuFilters"][-1]]
            else:
                pool = spec["flowPool"] if m == "flow" else 1
                filters = spec["flowFilters"] if m == "flow" else spec["videoFilters"]
                self.encoders[m] = FrameEncoder(shape[3], shape[1], filters, spec["frameFeatures"], pool, layout)
                self.seq_shape[m] = [shape[0], spec["frameFeatures"]]
            if spec["fusion"] == "attention-lstm" and m not in encoders:  # an encoder's vector is its mean
                self.pools[m] = AttentionLstmPool(self.seq_shape[m][1], spec["lstmUnits"])
                width = spec["lstmUnits"]
            else:
                self.pools[m] = MeanPool()
                width = self.seq_shape[m][1]
            widths[sensors.index(SENSOR_OF[m])] += width
        self.fused_width = sum(widths)
        self.head = Head(widths, spec)
        # With auxiliaryLoss: a classifier per modality (in the spec's order), as the network's further outputs.
        self.aux = nn.ModuleDict()
        if spec.get("auxiliaryLoss", 0) > 0 and len(self.order) > 1:
            for m in spec["modalities"]:
                width = spec["lstmUnits"] if isinstance(self.pools[m], AttentionLstmPool) else self.seq_shape[m][1]
                self.aux[m] = Head([width], spec)

    def forward(self, inputs):  # dict modality -> tensor; several outputs: a list, the prediction first
        vectors = {m: self.pools[m](self.encoders[m](inputs[m])) for m in self.order}
        logits = self.head(torch.cat([vectors[m] for m in self.order], 1))
        return [logits, *(head(vectors[m]) for m, head in self.aux.items())] if len(self.aux) > 0 else logits

    def branches(self, shapes):
        """(name, module, input shape without batch, whether the input's gradient is needed): each
        encoder (its input is the data: no gradient), each pooling, the head."""
        out = []
        for m in self.order:
            out.append((f"{m}_encoder", self.encoders[m], shapes[m], False))
            out.append((f"{m}_pool", self.pools[m], self.seq_shape[m], True))
        out.append(("head", self.head, [self.fused_width], True))
        return out


def trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def median_ms(fn, repeats):
    fn(); fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    return round(times[len(times) // 2], 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True, help="the network's spec as JSON (see the module's docstring)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (and 3 steps) before timing")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--layout", choices=["nhwc", "nchw"], default="nhwc",
                    help="frames for the CNNs: nhwc (channels_last memory format: our data's layout, and here "
                         "several times faster in training than nchw) or nchw (PyTorch's default)")
    ap.add_argument("--params-only", action="store_true",
                    help="print the trainable parameters, in all and per branch, and stop (no timing)")
    args = ap.parse_args()
    spec = json.loads(args.spec)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    b = spec["batch"]
    net = FusionNet(spec, args.layout)
    if args.layout == "nhwc":
        net = net.to(memory_format=torch.channels_last)
    if args.params_only:
        print(json.dumps({"params": trainable(net), "branches": {
            name: {"params": trainable(module)} for name, module, _, _ in net.branches(spec["shapes"])}}))
        return
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=spec["learningRate"])
    loss_fn = nn.CrossEntropyLoss()
    xs = {m: torch.randn(b, *spec["shapes"][m]) for m in net.order}
    y = torch.randint(0, spec["classes"], (b,))

    weights = spec.get("lossWeights") or [1]

    def loss_of(out):  # the weighted sum over the outputs, as src/train/fit.ts
        outs = out if isinstance(out, list) else [out]
        return sum(w * loss_fn(o, y) for w, o in zip(weights, outs) if w > 0)

    def step():
        opt.zero_grad(); loss = loss_of(net(xs)); loss.backward(); opt.step(); loss.item()

    net.train()
    warm, w0 = 0, time.perf_counter()
    while warm < 3 or time.perf_counter() - w0 < args.warmup:
        step(); warm += 1
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < args.seconds or steps < MIN_STEPS:
        step(); steps += 1
    train_s = time.perf_counter() - t0
    net.eval()
    lat = []
    with torch.no_grad():
        x1 = {m: x[:1] for m, x in xs.items()}
        for _ in range(10):
            net(x1)
        t_end = time.perf_counter() + args.seconds / 2
        while time.perf_counter() < t_end:
            s = time.perf_counter(); net(x1); lat.append((time.perf_counter() - s) * 1e3)
    lat.sort()
    branches = {}
    for name, module, shape, grad_in in net.branches(spec["shapes"]):
        x = torch.randn(b, *shape, requires_grad=grad_in)
        r = torch.randn(module.train()(x).shape)

        def train_branch():
            module.zero_grad(); x.grad = None
            (module(x) * r).sum().backward()

        module.train()
        train_ms = median_ms(train_branch, args.repeats)
        module.eval()
        x1 = x.detach()[:1]
        with torch.no_grad():
            infer_ms = median_ms(lambda: module(x1), args.repeats * 4)
        branches[name] = {"params": trainable(module), "train_ms": train_ms, "infer_ms": infer_ms}
    print(json.dumps({"impl": "pytorch-cpu " + torch.__version__, "threads": args.threads, "layout": args.layout,
                      "params": trainable(net),
                      "train_steps": steps, "train_step_ms": round(train_s * 1e3 / steps, 3),
                      "train_samples_per_s": round(steps * b / train_s, 1),
                      "infer_p50_ms": round(lat[len(lat) // 2], 3), "infer_p99_ms": round(lat[int(len(lat) * 0.99)], 3),
                      "branches": branches}))


if __name__ == "__main__":
    main()
