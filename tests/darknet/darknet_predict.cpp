// Runs a Darknet network with libdarknet, the oracle of the Darknet
// conformance tests: darknet_predict CFG WEIGHTS INPUT OUTPUT reads INPUT
// (raw float32, the network's C x H x W input, planar RGB in [0, 1] as
// libdarknet's images are) and writes the network's output to OUTPUT. With
// [region] or [yolo] heads, the output is the tensors they read, back to
// back in the heads' order, as tessel's importer defines the network's
// output.
#include <darknet.h>

#include <cstdio>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: darknet_predict CFG WEIGHTS INPUT OUTPUT\n");
    return 2;
  }
  network *net = parse_network_cfg(argv[1]);
  load_weights(net, argv[2]);
  set_batch_network(net, 1);

  std::vector<float> input(size_t(net->h) * size_t(net->w) * size_t(net->c));
  std::FILE *in = std::fopen(argv[3], "rb");
  if (!in || std::fread(input.data(), sizeof(float), input.size(), in) != input.size()) {
    std::fprintf(stderr, "darknet_predict: cannot read %zu floats from %s\n", input.size(),
                 argv[3]);
    return 1;
  }
  std::fclose(in);

  network_predict(net, input.data());
  // The tensors the detection heads read, in order; the last layer when
  // there is no head.
  std::vector<const layer *> outputs;
  for (int i = 1; i < net->n; ++i)
    if (net->layers[i].type == REGION || net->layers[i].type == YOLO)
      outputs.push_back(&net->layers[i - 1]);
  if (outputs.empty())
    outputs.push_back(&net->layers[net->n - 1]);

  std::FILE *out = std::fopen(argv[4], "wb");
  for (const layer *head : outputs)
    if (!out || std::fwrite(head->output, sizeof(float), size_t(head->outputs), out) !=
                    size_t(head->outputs)) {
      std::fprintf(stderr, "darknet_predict: cannot write %s\n", argv[4]);
      return 1;
    }
  std::fclose(out);
  return 0;
}
