/// The architecture of a VAE as a notebook declares it.
public struct ModelSpec: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case mlp, conv }

    public var kind: Kind
    /// Hidden layer sizes of the encoder (MLP) or its filter counts (conv).
    public var encoder: [Int]
    public var latent: Int
    /// Hidden layer sizes of the decoder (MLP) or its filter counts (conv).
    public var decoder: [Int]
    public var activation: Activation
    public var initializer: Initializer
    /// Convolution kernel size (square) and stride of the encoder's convolutions and the
    /// decoder's up-sampling transposed convolutions; unused by MLPs.
    public var kernel: Int
    public var stride: Int
    /// Image geometry: channels × height × width.
    public var imageChannels: Int
    public var imageHeight: Int
    public var imageWidth: Int

    public init(kind: Kind = .mlp, encoder: [Int], latent: Int, decoder: [Int],
                activation: Activation = .relu, initializer: Initializer = .he(.normal),
                kernel: Int = 3, stride: Int = 2, imageChannels: Int = 1, imageHeight: Int = 28, imageWidth: Int = 28) {
        self.kind = kind
        self.encoder = encoder
        self.latent = latent
        self.decoder = decoder
        self.activation = activation
        self.initializer = initializer
        self.kernel = kernel
        self.stride = stride
        self.imageChannels = imageChannels
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
    }

    public var pixels: Int { imageChannels * imageHeight * imageWidth }
}
