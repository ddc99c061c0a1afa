// Keras' other names for the same layer classes (Keras 1's and the short pooling names). Each rule
// table (the analyser's, the ONNX lowering's) lists the class once and takes its aliases from here.
export const KERAS_ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  Convolution1D: 'Conv1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
};

/** The table plus a row for each alias of a class it has, with that class's rule. */
export function withAliases<R>(table: Record<string, R>): Record<string, R> {
  const out = { ...table };
  for (const [alias, name] of Object.entries(KERAS_ALIASES)) {
    if (Object.prototype.hasOwnProperty.call(table, name)) out[alias] = table[name];
  }
  return out;
}
