import NotebookResults
/// Did-you-mean suggestions: the words PyTorch, Keras and TensorFlow users write for ours, then edit distance.
public enum Suggestion {
    /// What users of other frameworks write, lowercased with `_` for `-`, and the words of this
    /// language they mean, in order of preference. Only candidates of the place asked about are
    /// suggested, so `hidden` suggests `encoder` and `decoder` for `model` and nothing for `train`.
    static let synonyms: [String: [String]] = {
        var table: [String: [String]] = [:]
        func add(_ words: [String], _ meaning: [String]) { for word in words { table[word] = meaning } }
        // Options of `model`.
        add(["latent_dim", "latent_dims", "latent_size", "latent_dimension", "latent_space", "z_dim", "zdim", "z_size",
             "n_latent", "num_latent", "code_size", "embedding_dim", "nz", "dim_z"], ["latent"])
        add(["hidden", "h_dim", "hdim", "hidden_dim", "hidden_dims", "hidden_size", "hidden_sizes", "hidden_units",
             "hidden_layers", "intermediate_dim", "units", "layers", "layer_sizes", "filters"], ["encoder", "decoder"])
        add(["enc", "encoder_dims", "encoder_layers", "encoder_sizes", "enc_dims", "encoder_hidden"], ["encoder"])
        add(["dec", "decoder_dims", "decoder_layers", "decoder_sizes", "dec_dims", "decoder_hidden"], ["decoder"])
        add(["kernel_size", "ksize"], ["kernel"])
        add(["strides"], ["stride"])
        add(["act", "activation_fn", "nonlinearity", "non_linearity"], ["activation"])
        add(["initializer", "kernel_initializer", "weight_init", "initialization", "init_method"], ["init"])
        // Options of `train`.
        add(["batch_size", "batchsize", "bs", "minibatch", "mini_batch", "batch_sz"], ["batch"])
        add(["learning_rate", "learningrate", "learn_rate", "lr_rate", "eta", "alpha", "step_size"], ["lr"])
        add(["num_epochs", "n_epochs", "nb_epoch", "nb_epochs", "epoch", "max_epochs", "num_epoch", "n_epoch",
             "total_epochs"], ["epochs"])
        add(["num_steps", "n_steps", "max_steps", "iterations", "iters", "n_iter", "n_iters", "num_iterations",
             "training_steps", "train_steps"], ["steps"])
        add(["optim", "opt", "optimiser", "solver"], ["optimizer"])
        add(["kl_weight", "kld_weight", "kl_coef", "kl_coeff", "kl_beta", "beta_kl", "kl_scale", "kl_multiplier"], ["beta"])
        add(["kl_warmup", "warmup_epochs", "kl_anneal", "kl_annealing", "anneal", "annealing", "anneal_epochs"], ["warmup"])
        add(["loss_fn", "loss_function", "criterion", "recon_loss", "reconstruction_loss", "likelihood"], ["loss"])
        add(["kl_estimator", "kl_type"], ["kl"])
        add(["shuffled", "shuffle_data"], ["shuffle"])
        // Options of `data`.
        add(["train_size", "n_train", "num_train", "train_samples", "ntrain"], ["train"])
        add(["test_size", "n_test", "num_test", "test_samples", "ntest"], ["test"])
        add(["binary", "binarized", "binarise", "binarization", "binarisation"], ["binarize"])
        // Values: optimizers, activations, losses, initializers, datasets.
        add(["adamw", "adam_optimizer", "adamoptimizer"], ["adam"])
        add(["sgd_momentum", "momentum_sgd", "gradient_descent", "gradientdescent", "gradientdescentoptimizer"], ["sgd"])
        add(["rms", "rms_prop", "rmspropoptimizer"], ["rmsprop"])
        add(["leaky_relu", "leakyrelu", "lrelu"], ["leaky-relu"])
        add(["linear", "none", "no_activation"], ["identity"])
        add(["binary_crossentropy", "binary_cross_entropy", "bce_loss", "bcewithlogitsloss", "bceloss", "cross_entropy",
             "crossentropy", "bernoulli"], ["bce"])
        add(["mean_squared_error", "mseloss", "l2", "gaussian"], ["mse"])
        add(["xavier", "xavier_uniform"], ["glorot", "glorot-uniform"])
        add(["xavier_normal"], ["glorot-normal"])
        add(["kaiming", "kaiming_normal", "he_normal"], ["he", "he-normal"])
        add(["kaiming_uniform", "he_uniform"], ["he-uniform"])
        add(["fashion_mnist", "fashionmnist", "fmnist", "fashion"], ["fashion-mnist"])
        // Commands.
        add(["fit", "train_model", "training"], ["train"])
        add(["dataset", "load_data", "datasets", "loader"], ["data"])
        add(["manual_seed", "set_seed", "random_seed", "seed_everything"], ["seed"])
        add(["eval", "test", "score"], ["evaluate"])
        add(["vae", "build", "network", "net"], ["model"])
        add(["parameter", "params", "let", "var"], ["param"])
        return table
    }()

    /// The candidates `word` most plausibly means: those the synonym table gives, else the
    /// one closest by edit distance if it is close enough to be a typo.
    static func nearest(to word: String, in candidates: [String]) -> [String] {
        let key = word.lowercased().replacingOccurrences(of: "-", with: "_")
        if let meant = synonyms[key] {
            let present = meant.filter { candidates.contains($0) }
            if !present.isEmpty { return present }
        }
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        guard let best else { return [] }
        // Allow about one edit per three characters, at least one, so "trian" finds "train"
        // but "xyz" does not find "seed".
        let allowed = max(1, min(word.count, best.candidate.count) / 3)
        return best.distance <= allowed ? [best.candidate] : []
    }

    /// ` (did you mean 'x'?)`, ` (did you mean 'x' or 'y'?)`, or nothing; it follows the
    /// word it is about, so a message reads "unknown option 'bacth' for 'train' (did you mean 'batch'?); …".
    public static func hint(for word: String, in candidates: [String]) -> String {
        let meant = nearest(to: word, in: candidates)
        guard !meant.isEmpty else { return "" }
        return " (did you mean " + meant.map { "'\($0)'" }.joined(separator: " or ") + "?)"
    }

    /// Damerau–Levenshtein distance (optimal string alignment): transpositions cost one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
