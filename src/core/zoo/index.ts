// The model zoo: name -> builder, with a one-line description for lists and quick picks.
import { ModelSpec, NetLensError } from '../ir/types';
import { alexnet } from './alexnet';
import { googlenet } from './googlenet';
import { lenet5 } from './lenet';
import { mobilenet } from './mobilenet';
import { plain34, resnet101, resnet152, resnet18, resnet34, resnet50 } from './resnet';
import { seResnet50 } from './senet';
import { mnistCnn, resnet34Textbook } from './textbook';
import { vgg16, vgg19 } from './vgg';
import { xception } from './xception';
import { resnet101v2, resnet152v2, resnet50v2 } from './resnetv2';
import { inceptionv3 } from './inceptionv3';
import { mobilenetv2 } from './mobilenetv2';
import { densenet121, densenet169, densenet201 } from './densenet';
import {
  efficientnetb0, efficientnetb1, efficientnetb2, efficientnetb3, efficientnetb4, efficientnetb5, efficientnetb6, efficientnetb7,
} from './efficientnet';
import { mobilenetv3large, mobilenetv3small } from './mobilenetv3';
import { convnexttiny } from './convnext';
import { nasnetmobile } from './nasnet';
import { inceptionresnetv2 } from './inceptionresnetv2';

export interface ZooEntry {
  name: string;
  title: string;
  description: string;
  build: () => ModelSpec;
}

export const ZOO: ZooEntry[] = [
  { name: 'lenet5', title: 'LeNet-5', description: 'LeCun 1998, 32x32 grayscale, tanh + average pooling', build: lenet5 },
  { name: 'mnist_cnn', title: 'MNIST CNN (textbook)', description: "The textbook's Sequential CNN, 28x28x1", build: mnistCnn },
  { name: 'alexnet', title: 'AlexNet', description: "torchvision's single-tower AlexNet, 224x224x3", build: alexnet },
  { name: 'vgg16', title: 'VGG-16', description: 'Keras Applications VGG16', build: vgg16 },
  { name: 'vgg19', title: 'VGG-19', description: 'Keras Applications VGG19', build: vgg19 },
  { name: 'googlenet', title: 'GoogLeNet', description: 'Inception v1, the paper\'s Table 1 (LRN, no BN, no aux heads)', build: googlenet },
  { name: 'resnet18', title: 'ResNet-18', description: 'Basic blocks, bias-free conv + BN (torchvision layout)', build: resnet18 },
  { name: 'resnet34', title: 'ResNet-34', description: 'Basic blocks, bias-free conv + BN (torchvision layout)', build: resnet34 },
  { name: 'plain34', title: 'Plain-34', description: 'ResNet-34 without shortcut connections (the paper\'s baseline)', build: plain34 },
  { name: 'resnet50', title: 'ResNet-50', description: 'Keras Applications ResNet50 (v1, bottleneck blocks)', build: resnet50 },
  { name: 'resnet101', title: 'ResNet-101', description: 'Keras Applications ResNet101', build: resnet101 },
  { name: 'resnet152', title: 'ResNet-152', description: 'Keras Applications ResNet152', build: resnet152 },
  { name: 'se_resnet50', title: 'SE-ResNet-50', description: 'ResNet-50 with squeeze-and-excitation blocks (r=16)', build: seResnet50 },
  { name: 'xception', title: 'Xception', description: 'Keras Applications Xception, depthwise separable, 299x299x3', build: xception },
  { name: 'mobilenet', title: 'MobileNet', description: 'Keras Applications MobileNet v1, depthwise separable', build: mobilenet },
  { name: 'resnet50v2', title: 'ResNet-50 v2', description: 'Keras Applications ResNet50V2 (pre-activation)', build: resnet50v2 },
  { name: 'resnet101v2', title: 'ResNet-101 v2', description: 'Keras Applications ResNet101V2 (pre-activation)', build: resnet101v2 },
  { name: 'resnet152v2', title: 'ResNet-152 v2', description: 'Keras Applications ResNet152V2 (pre-activation)', build: resnet152v2 },
  { name: 'inceptionv3', title: 'Inception v3', description: 'Keras Applications InceptionV3, 299x299x3', build: inceptionv3 },
  { name: 'mobilenetv2', title: 'MobileNet v2', description: 'Keras Applications MobileNetV2 (alpha 1.0), inverted residuals', build: mobilenetv2 },
  { name: 'densenet121', title: 'DenseNet-121', description: 'Keras Applications DenseNet121', build: densenet121 },
  { name: 'densenet169', title: 'DenseNet-169', description: 'Keras Applications DenseNet169', build: densenet169 },
  { name: 'densenet201', title: 'DenseNet-201', description: 'Keras Applications DenseNet201', build: densenet201 },
  { name: 'efficientnetb0', title: 'EfficientNet-B0', description: 'Keras Applications EfficientNetB0, 224x224x3, rescales its own input', build: efficientnetb0 },
  { name: 'efficientnetb1', title: 'EfficientNet-B1', description: 'Keras Applications EfficientNetB1, 240x240x3, rescales its own input', build: efficientnetb1 },
  { name: 'efficientnetb2', title: 'EfficientNet-B2', description: 'Keras Applications EfficientNetB2, 260x260x3, rescales its own input', build: efficientnetb2 },
  { name: 'efficientnetb3', title: 'EfficientNet-B3', description: 'Keras Applications EfficientNetB3, 300x300x3, rescales its own input', build: efficientnetb3 },
  { name: 'efficientnetb4', title: 'EfficientNet-B4', description: 'Keras Applications EfficientNetB4, 380x380x3, rescales its own input', build: efficientnetb4 },
  { name: 'efficientnetb5', title: 'EfficientNet-B5', description: 'Keras Applications EfficientNetB5, 456x456x3, rescales its own input', build: efficientnetb5 },
  { name: 'efficientnetb6', title: 'EfficientNet-B6', description: 'Keras Applications EfficientNetB6, 528x528x3, rescales its own input', build: efficientnetb6 },
  { name: 'efficientnetb7', title: 'EfficientNet-B7', description: 'Keras Applications EfficientNetB7, 600x600x3, rescales its own input', build: efficientnetb7 },
  { name: 'mobilenetv3small', title: 'MobileNet v3 Small', description: 'Keras Applications MobileNetV3Small, rescales its own input', build: mobilenetv3small },
  { name: 'mobilenetv3large', title: 'MobileNet v3 Large', description: 'Keras Applications MobileNetV3Large, rescales its own input', build: mobilenetv3large },
  { name: 'nasnetmobile', title: 'NASNet Mobile', description: 'Keras Applications NASNetMobile (NASNet-A 4 @ 1056)', build: nasnetmobile },
  { name: 'inceptionresnetv2', title: 'Inception-ResNet v2', description: 'Keras Applications InceptionResNetV2, 299x299x3', build: inceptionresnetv2 },
  { name: 'convnexttiny', title: 'ConvNeXt-Tiny', description: 'Keras Applications ConvNeXtTiny, normalises its own input', build: convnexttiny },
  { name: 'resnet34_textbook', title: 'ResNet-34 (textbook)', description: "The textbook's Sequential ResNet-34 with ResidualUnit, Dense(10)", build: resnet34Textbook },
];

export function zooEntry(name: string): ZooEntry | undefined {
  const key = name.toLowerCase().replace(/-/g, '');
  return ZOO.find((e) => e.name.replace(/_/g, '') === key.replace(/_/g, ''));
}

export function buildZooModel(name: string): ModelSpec {
  const entry = zooEntry(name);
  if (!entry) throw new NetLensError(`unknown model "${name}"; known models: ${ZOO.map((e) => e.name).join(', ')}`);
  return entry.build();
}
