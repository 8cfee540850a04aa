/** Build once (`<package>/image`): the golden container image, one BuildKit build pushed to every registry. */
export {
    BaseImagePolicy,
    ContainerImage,
    type ContainerImageArgs,
    ImagePlatform,
    type RegistryTarget,
} from "./containerImage";
