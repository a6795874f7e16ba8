package io.meridian.spawner.docker;

/**
 * An image reference split the way Docker's pull API wants it: {@code registry:5000/team/img:tag} is
 * repository {@code registry:5000/team/img} and tag {@code tag}; a digest reference keeps its digest as the tag.
 */
record ImageRef(String repository, String tag) {

    static ImageRef parse(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return new ImageRef(image.substring(0, at), image.substring(at + 1));
        }
        int colon = image.lastIndexOf(':');
        if (colon > image.lastIndexOf('/')) {
            return new ImageRef(image.substring(0, colon), image.substring(colon + 1));
        }
        return new ImageRef(image, "latest");
    }
}
