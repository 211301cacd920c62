"""cnnarch: convolutional architectures from VGG to Xception, built from named blocks.

Every canonical ImageNet builder matches ``keras.applications`` weight for weight; ``cnnarch.cost``
counts parameters, multiply-accumulates and activation memory layer by layer.
"""

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from . import cost  # noqa: E402
from .cost import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .googlenet import *  # noqa: F401,F403
from .xception import *  # noqa: F401,F403

__version__ = "0.1.0"
