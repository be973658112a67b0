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
    /// Residual blocks (`ResidualBlock`) after every hidden layer of an MLP's encoder and
    /// decoder, each as wide as that layer; 0, the default, is the plain MLP.
    public var residualBlocks: Int

    public init(kind: Kind = .mlp, encoder: [Int], latent: Int, decoder: [Int],
                activation: Activation = .relu, initializer: Initializer = .he(.normal),
                kernel: Int = 3, stride: Int = 2, imageChannels: Int = 1, imageHeight: Int = 28, imageWidth: Int = 28,
                residualBlocks: Int = 0) {
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
        self.residualBlocks = residualBlocks
    }

    public var pixels: Int { imageChannels * imageHeight * imageWidth }

    private enum CodingKeys: String, CodingKey {
        case kind, encoder, latent, decoder, activation, initializer, kernel, stride
        case imageChannels, imageHeight, imageWidth, residualBlocks
    }

    /// `residualBlocks` is absent from specs written before it existed: they read as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        encoder = try container.decode([Int].self, forKey: .encoder)
        latent = try container.decode(Int.self, forKey: .latent)
        self.decoder = try container.decode([Int].self, forKey: .decoder)
        activation = try container.decode(Activation.self, forKey: .activation)
        initializer = try container.decode(Initializer.self, forKey: .initializer)
        kernel = try container.decode(Int.self, forKey: .kernel)
        stride = try container.decode(Int.self, forKey: .stride)
        imageChannels = try container.decode(Int.self, forKey: .imageChannels)
        imageHeight = try container.decode(Int.self, forKey: .imageHeight)
        imageWidth = try container.decode(Int.self, forKey: .imageWidth)
        residualBlocks = try container.decodeIfPresent(Int.self, forKey: .residualBlocks) ?? 0
    }

    /// Writes `residualBlocks` only when there are blocks, so a plain model's spec is the same
    /// JSON as before the option existed: its checkpoints, safetensors metadata and cache
    /// snapshots keep their bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(self.encoder, forKey: .encoder)
        try container.encode(latent, forKey: .latent)
        try container.encode(decoder, forKey: .decoder)
        try container.encode(activation, forKey: .activation)
        try container.encode(initializer, forKey: .initializer)
        try container.encode(kernel, forKey: .kernel)
        try container.encode(stride, forKey: .stride)
        try container.encode(imageChannels, forKey: .imageChannels)
        try container.encode(imageHeight, forKey: .imageHeight)
        try container.encode(imageWidth, forKey: .imageWidth)
        if residualBlocks != 0 { try container.encode(residualBlocks, forKey: .residualBlocks) }
    }
}
