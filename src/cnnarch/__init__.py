"""cnnarch: convolutional architectures from VGG to Xception, built from named
blocks.

Model builders are capitalized, as in ``keras.applications``
(``cnnarch.VGG16``, ``cnnarch.SmallXception``); lowercase names are modules
(``cnnarch.xception``) or blocks (``cnnarch.sepconv_bn``). Every canonical
ImageNet builder matches ``keras.applications`` weight for weight;
``cnnarch.cost`` counts parameters, multiply-accumulates and activation memory
layer by layer.
"""

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from .ablation_exercises import *  # noqa: E402,F401,F403
from .ablation_xception import *  # noqa: E402,F401,F403
from .block_exercises import *  # noqa: E402,F401,F403
from .blocks import *  # noqa: E402,F401,F403
from .cost import *  # noqa: E402,F401,F403
from .densenet import *  # noqa: E402,F401,F403
from .exercise_vgg_block import *  # noqa: E402,F401,F403
from .inception_v1 import *  # noqa: E402,F401,F403
from .inception_v3 import *  # noqa: E402,F401,F403
from .mini_xception import *  # noqa: E402,F401,F403
from .mobilenet import *  # noqa: E402,F401,F403
from .mobilenet_v2 import *  # noqa: E402,F401,F403
from .preprocessing import *  # noqa: E402,F401,F403
from .resnet import *  # noqa: E402,F401,F403
from .vgg import *  # noqa: E402,F401,F403
from .xception import *  # noqa: E402,F401,F403

__version__ = "0.1.0"
