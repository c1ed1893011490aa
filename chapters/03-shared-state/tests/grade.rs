grader::chapter3!(chapter_3);
