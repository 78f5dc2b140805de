// Importing the custom layers registers their classes with tfjs's serialisation, so a saved model
// that uses them can be loaded back: import this module wherever models are loaded.
import './fast-lstm.ts';
import './frame-batching.ts';
import './temporal-attention-pooling.ts';
import './select-frame.ts';
import './modality-dropout.ts';
import './graph-convolution.ts';
import './temporal-convolution.ts';
import './fast-batch-normalization.ts';
import './log-mean-probabilities.ts';
